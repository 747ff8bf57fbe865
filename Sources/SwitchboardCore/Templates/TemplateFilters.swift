import Foundation

/// A filter after `|`, with its arguments.
struct Filter: Sendable, Equatable {
    enum Name: String, Sendable, CaseIterable {
        case `default`, upcase, downcase
        case urlEncode = "url_encode"
        case json, date, append, prepend, size

        /// How many arguments the filter takes.
        var arity: ClosedRange<Int> {
            switch self {
            case .default, .append, .prepend: 1...1
            case .date: 0...1
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
        }
    }
}

/// How template values become text.
enum TemplateValue {
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
