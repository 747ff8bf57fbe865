import ArgumentParser
import Foundation
import SwitchboardCore

/// A time on the command line: RFC 3339 (`2026-01-31T12:00:00Z`), a bare date (midnight UTC), or
/// a span back from now (`90m`, `12h`, `30d`).
struct CommandTime: ExpressibleByArgument, Sendable {
    let date: Date

    init?(argument: String) {
        if let date = Timestamp.parse(argument) {
            self.date = date
            return
        }
        guard let unit = argument.last, let amount = Int(argument.dropLast()), amount >= 0, amount <= 1_000_000 else { return nil }
        let seconds: Double
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        default: return nil
        }
        date = Date().addingTimeInterval(-Double(amount) * seconds)
    }
}
