/// The size of a value's JSON text, counted without writing it: exactly what `JSONCoding.bytes`
/// prints, with escapes. Counting stops once past a limit, so sizing a huge value (or one object
/// repeated thousands of times) costs no more than the limit.
enum JSONSize {
    /// The bytes `JSONCoding.bytes(value)` holds, or some number over `limit` once it is past it.
    static func count(_ value: JSONValue, upTo limit: Int) -> Int {
        var total = 0
        add(value, to: &total, limit: limit)
        return total
    }

    static func isAtMost(_ value: JSONValue, _ limit: Int) -> Bool {
        count(value, upTo: limit) <= limit
    }

    private static func add(_ value: JSONValue, to total: inout Int, limit: Int) {
        guard total <= limit else { return }
        switch value {
        case .null: total += 4
        case .bool(let flag): total += flag ? 4 : 5
        case .int(let integer): total += String(integer).utf8.count
        case .double(let double): total += double.isFinite ? String(double).utf8.count : 4
        case .string(let text): add(string: text, to: &total, limit: limit)
        case .array(let elements):
            total += 2 + max(elements.count - 1, 0)
            for element in elements {
                add(element, to: &total, limit: limit)
                if total > limit { return }
            }
        case .object(let fields):
            // Each field adds its key's quotes and text, a colon, and a comma between fields.
            total += 2 + max(fields.count - 1, 0) + fields.count
            for (key, element) in fields {
                add(string: key, to: &total, limit: limit)
                add(element, to: &total, limit: limit)
                if total > limit { return }
            }
        }
    }

    private static func add(string text: String, to total: inout Int, limit: Int) {
        total += 2
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: total += 2
            case 0x00..<0x20: total += 6
            default: total += 1
            }
            if total > limit { return }
        }
    }
}
