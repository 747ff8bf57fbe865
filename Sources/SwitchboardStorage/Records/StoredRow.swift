import Foundation
import SwitchboardCore

/// A row read from either database, by column name: what the record mappings need, and no more.
/// Times are integer milliseconds since 1970 and JSON is text in both databases.
protocol StoredRow {
    func text(_ column: String) -> String?
    func integer(_ column: String) -> Int64?
    /// SQLite keeps booleans as 0/1, PostgreSQL as BOOLEAN.
    func flag(_ column: String) -> Bool
}

extension StoredRow {
    /// A NOT NULL text column ("" if the schema was bypassed, rather than a crash).
    func string(_ column: String) -> String { text(column) ?? "" }

    func int(_ column: String) -> Int? { integer(column).map { Int($0) } }

    func date(_ column: String) -> Date? { integer(column).map(Date.init(milliseconds:)) }

    func requiredDate(_ column: String) -> Date { date(column) ?? Date(timeIntervalSince1970: 0) }

    func json(_ column: String) -> JSONValue? {
        text(column).flatMap { try? JSONCoding.parse(Array($0.utf8), maximumDepth: .max) }
    }
}

/// A value to write, independent of the database's binding types.
enum ColumnValue: Sendable {
    case text(String?)
    case integer(Int64?)
    case flag(Bool)

    static func int(_ value: Int?) -> ColumnValue { .integer(value.map(Int64.init)) }
    static func date(_ value: Date?) -> ColumnValue { .integer(value?.milliseconds) }
    static func json(_ value: JSONValue?) -> ColumnValue { .text(value.map(JSONCoding.string)) }
}

extension Date {
    /// Saturating: a date from input far outside any real range must not trap when stored.
    var milliseconds: Int64 { Int64(flooringSaturating: timeIntervalSince1970 * 1000) ?? 0 }

    init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
