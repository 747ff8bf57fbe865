import Foundation

/// Number formatting for the table: thousands separated, fixed decimals.
enum Format {
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    static func rate(_ value: Double) -> String {
        count(Int(value.rounded()))
    }

    static func percent(_ ratio: Double) -> String {
        "\(Int((ratio * 100).rounded()))%"
    }

    static func milliseconds(_ value: Double) -> String {
        String(format: "%.2f ms", value)
    }

    static func megabytes(_ value: Double) -> String {
        String(format: "%.0f MB", value)
    }
}
