import Foundation

/// A filter after `|`, with its arguments.
struct Filter: Sendable, Equatable {
    enum Name: String, Sendable, CaseIterable {
        case `default`, upcase, downcase
        case urlEncode = "url_encode"
        case json, date, append, prepend, size
        case flatten
        case prefixKeys = "prefix_keys"
        case truncate
        case set
        case wrap
        case nest

        /// How many arguments the filter takes.
        var arity: ClosedRange<Int> {
            switch self {
            case .default, .append, .prepend, .prefixKeys, .truncate, .nest: 1...1
            case .date, .flatten: 0...1
            case .set: 2...2
            default: 0...0
            }
        }
    }

    var name: Name
    var arguments: [Operand]

    func apply(to value: JSONValue?, scope: JSONValue) -> JSONValue? {
        let argument = arguments.first?.evaluate(scope)
        switch name {
        case .default:
            switch value {
            case nil, .null?, .string("")?: return argument
            default: return value
            }
        case .upcase: return value.map { .string(TemplateValue.text($0).uppercased()) }
        case .downcase: return value.map { .string(TemplateValue.text($0).lowercased()) }
        case .urlEncode: return value.map { .string(TemplateValue.percentEncode(TemplateValue.text($0))) }
        case .json: return .string(JSONCoding.string(value ?? .null))
        case .append: return .string((value.map(TemplateValue.text) ?? "") + (argument.map(TemplateValue.text) ?? ""))
        case .prepend: return .string((argument.map(TemplateValue.text) ?? "") + (value.map(TemplateValue.text) ?? ""))
        case .size:
            switch value {
            case .string(let text)?: return .int(Int64(text.count))
            case .array(let elements)?: return .int(Int64(elements.count))
            case .object(let fields)?: return .int(Int64(fields.count))
            default: return .int(0)
            }
        case .date:
            guard let value, let date = TemplateValue.date(value) else { return value == nil ? nil : .null }
            guard let format = argument?.stringValue else { return .string(Timestamp.format(date)) }
            return .string(DateFormatting.strftime(date, format: format))
        case .flatten:
            guard case .object(let fields)? = value else { return value }
            return .object(ObjectFilters.flatten(fields, separator: argument.map(TemplateValue.text) ?? "."))
        case .prefixKeys:
            guard case .object(let fields)? = value else { return value }
            let prefix = argument.map(TemplateValue.text) ?? ""
            return .object(Dictionary(fields.map { (prefix + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first }))
        case .truncate:
            guard let value else { return nil }
            return ObjectFilters.truncate(value, to: TemplateValue.count(argument))
        case .set:
            // A missing value leaves the object as it was: no null for a field the event lacks.
            guard case .object(var fields)? = value, let key = argument?.stringValue, arguments.count > 1,
                let newValue = arguments[1].evaluate(scope)
            else { return value }
            fields[key] = newValue
            return .object(fields)
        case .wrap:
            switch value {
            case nil, .null?: return .array([])
            case let value?: return .array([value])
            }
        case .nest:
            switch value {
            case nil, .null?: return value
            case let value?: return .object([argument.map(TemplateValue.text) ?? "": value])
            }
        }
    }
}

/// The filters over objects and nested values: hostile input safe (depth and size bounded).
enum ObjectFilters {
    /// Past this depth a nested value is kept whole: the keys would only grow with a hostile nesting.
    static let maximumFlattenDepth = 32

    /// Nested objects as one level of joined keys (`{"a":{"b":1}}` -> `{"a.b":1}`); arrays and
    /// other values are leaves. A key written both ways keeps the first met in sorted order.
    static func flatten(_ fields: [String: JSONValue], separator: String) -> [String: JSONValue] {
        var output: [String: JSONValue] = [:]
        func walk(_ fields: [String: JSONValue], prefix: String, depth: Int) {
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                let name = prefix.isEmpty ? key : prefix + separator + key
                if case .object(let nested) = value, depth < maximumFlattenDepth, !nested.isEmpty {
                    walk(nested, prefix: name, depth: depth + 1)
                } else if output[name] == nil {
                    output[name] = value
                }
            }
        }
        walk(fields, prefix: "", depth: 0)
        return output
    }

    /// Every string in the value, however deep, cut to `limit` characters (Heap keeps 1,024).
    static func truncate(_ value: JSONValue, to limit: Int) -> JSONValue {
        switch value {
        case .string(let text): text.count > limit ? .string(String(text.prefix(limit))) : value
        case .array(let elements): .array(elements.map { truncate($0, to: limit) })
        case .object(let fields): .object(fields.mapValues { truncate($0, to: limit) })
        default: value
        }
    }
}

/// How template values become text.
enum TemplateValue {
    /// A count argument: a whole number from 0, anything else 0 (no trap on a hostile number).
    static func count(_ value: JSONValue?) -> Int {
        switch value {
        case .int(let number)?: Int(clamping: max(0, number))
        case .double(let number)?: number.isFinite && number > 0 ? Int(exactly: min(number, 1e15).rounded(.down)) ?? 0 : 0
        case .string(let text)?: Int(text).map { max(0, $0) } ?? 0
        default: 0
        }
    }

    /// Strings as they are, numbers and booleans as JSON writes them, null as "", others as JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .null: ""
        default: JSONCoding.string(value)
        }
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                output.append("%")
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// An RFC 3339 string, or a number of seconds since 1970 (NaN is none); numbers, however far out, are clamped to years 0000-9999.
    static func date(_ value: JSONValue) -> Date? {
        switch value {
        case .string(let text): Timestamp.parse(text)
        case .int(let seconds): Timestamp.clamped(Date(timeIntervalSince1970: Double(seconds)))
        case .double(let seconds): seconds.isNaN ? nil : Timestamp.clamped(Date(timeIntervalSince1970: seconds))
        default: nil
        }
    }
}

/// The strftime subset the `date` filter knows: %Y %m %d %H %M %S %L (milliseconds) %s %F %T %%.
enum DateFormatting {
    static func strftime(_ date: Date, format: String) -> String {
        // %s and the fields read the same clamped time, so 1e19 renders as 9999-12-31 and 253402300799.
        let date = Timestamp.clamped(date)
        let iso = Array(Timestamp.format(date))  // 2026-11-23T17:40:19.123Z
        func slice(_ range: Range<Int>) -> String { String(iso[range]) }
        var output = ""
        var iterator = format.makeIterator()
        while let character = iterator.next() {
            guard character == "%", let code = iterator.next() else {
                output.append(character)
                continue
            }
            switch code {
            case "Y": output += slice(0..<4)
            case "m": output += slice(5..<7)
            case "d": output += slice(8..<10)
            case "H": output += slice(11..<13)
            case "M": output += slice(14..<16)
            case "S": output += slice(17..<19)
            case "L": output += slice(20..<23)
            case "F": output += slice(0..<10)
            case "T": output += slice(11..<19)
            case "s": output += String(Int64(flooringSaturating: date.timeIntervalSince1970) ?? 0)
            case "%": output += "%"
            default: output += "%" + String(code)
            }
        }
        return output
    }
}
