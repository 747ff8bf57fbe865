import Foundation

/// Plain SQL in a transaction, written once for both databases: `?` placeholders (numbered for
/// PostgreSQL), values as `ColumnValue`, rows read by column name. For the parts whose SQL the
/// two dialects share (syncs, date triggers); `dialect` covers the few words they do not.
protocol SQLTransaction: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult
    func execute(_ sql: String, _ arguments: [ColumnValue]) async throws -> [any StoredRow]
}

enum SQLDialect: Sendable {
    case sqlite, postgres

    /// Rows another node holds are skipped (PostgreSQL); SQLite has one writer, so nothing to skip.
    var skipLocked: String { self == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }
    /// Text compared byte by byte, as profile keys are ordered (SQLite's default; PostgreSQL's "C").
    var bytewise: String { self == .postgres ? #" COLLATE "C""# : "" }
}

extension SQLTransaction {
    func first(_ sql: String, _ arguments: [ColumnValue]) async throws -> (any StoredRow)? {
        try await execute(sql, arguments).first
    }

    /// `?, ?, ?` for a list of `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
    }
}
