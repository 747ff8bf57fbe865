import Foundation
import PostgresNIO

extension PostgresRandomAccessRow: StoredRow {
    func text(_ column: String) -> String? { (try? self[column].decode(String?.self)) ?? nil }
    func integer(_ column: String) -> Int64? { (try? self[column].decode(Int64?.self)) ?? nil }
    func flag(_ column: String) -> Bool { ((try? self[column].decode(Bool?.self)) ?? nil) ?? false }
}

extension PostgresBindings {
    mutating func append(_ value: ColumnValue) {
        switch value {
        case .text(let text): append(text)
        case .integer(let integer): append(integer)
        case .flag(let flag): append(flag)
        }
    }
}

/// A statement built from SQL text and values, with `$n` placeholders made as values are added.
struct Statement {
    private(set) var sql = ""
    private(set) var binds = PostgresBindings()

    init(_ sql: String = "") { self.sql = sql }

    /// Appends SQL text.
    mutating func add(_ text: String) { sql += text }

    /// Appends a placeholder for `value`, cast to `type` when given (needed inside VALUES lists).
    mutating func bind(_ value: ColumnValue, as type: String? = nil) {
        binds.append(value)
        sql += "$\(binds.count)" + (type.map { "::" + $0 } ?? "")
    }

    /// Appends `(…), (…)` rows of placeholders, each value cast to its column's type.
    mutating func values(_ rows: [[ColumnValue]], types: [String]) {
        for (index, row) in rows.enumerated() {
            sql += index == 0 ? "(" : ", ("
            for (column, value) in row.enumerated() {
                if column > 0 { sql += ", " }
                bind(value, as: types[column])
            }
            sql += ")"
        }
    }

    /// Appends `UPDATE table SET c1 = $1::t1, … WHERE id = $n AND workspace_id = $m RETURNING id`.
    static func update(
        _ table: String, columns: [String], values: [ColumnValue], types: [String], id: String, workspaceId: String, extraCondition: String? = nil
    ) -> Statement {
        var statement = Statement("UPDATE \(table) SET ")
        for (index, value) in values.enumerated() {
            statement.add((index == 0 ? "" : ", ") + columns[index] + " = ")
            statement.bind(value, as: types[index])
        }
        statement.add(" WHERE id = ")
        statement.bind(.text(id))
        statement.add(" AND workspace_id = ")
        statement.bind(.text(workspaceId))
        if let extraCondition { statement.add(" AND " + extraCondition) }
        statement.add(" RETURNING id")
        return statement
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension PostgresConnection {
    /// Runs a statement and returns its rows, ready to read by column name.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        } catch let error as PSQLError where error.serverInfo?[.sqlState]?.hasPrefix("23") == true {
            // Integrity constraint violations: unique, foreign key, check.
            throw StorageError.conflict(error.serverInfo?[.message] ?? "constraint failed")
        }
    }

    @discardableResult
    func rows(_ statement: Statement, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await rows(statement.query, logger: logger)
    }
}
