import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import SwitchboardStorage

/// What parity compares of one table: facts both dialects share (column types differ on purpose:
/// INTEGER against BIGINT or BOOLEAN).
struct TableShape: Equatable, Sendable {
    /// Column name: whether it takes NULL.
    var columns: [String: Bool] = [:]
    /// Indexes made by CREATE INDEX, by name.
    var indexes: [String: IndexShape] = [:]
    /// PRIMARY KEY and UNIQUE constraints by their columns, e.g. "unique(source_id, message_id)":
    /// each dialect names their indexes its own way (sqlite_autoindex_*, *_pkey, *_key).
    var keys: Set<String> = []
}

struct IndexShape: Equatable, Sendable, CustomStringConvertible {
    var columns: [String]
    var unique: Bool
    /// Has a WHERE clause (the text is dialect-specific once stored).
    var partial: Bool

    var description: String { (unique ? "unique " : "") + "(" + columns.joined(separator: ", ") + ")" + (partial ? " where …" : "") }
}

enum SchemaParity {
    /// Every way the two schemas differ, one line each; empty when they agree.
    static func differences(sqlite: [String: TableShape], postgres: [String: TableShape]) -> [String] {
        var differences: [String] = []
        func onlyIn<Key: Comparable & Hashable>(_ left: some Collection<Key>, _ right: some Collection<Key>, _ prefix: String) {
            for key in Set(left).subtracting(right).sorted() { differences.append("\(prefix)\(key) only in SQLite") }
            for key in Set(right).subtracting(left).sorted() { differences.append("\(prefix)\(key) only in PostgreSQL") }
        }
        onlyIn(sqlite.keys, postgres.keys, "table ")
        for table in Set(sqlite.keys).intersection(postgres.keys).sorted() {
            guard let lite = sqlite[table], let pg = postgres[table] else { continue }
            onlyIn(lite.columns.keys, pg.columns.keys, "column \(table).")
            for column in Set(lite.columns.keys).intersection(pg.columns.keys).sorted() where lite.columns[column] != pg.columns[column] {
                let nullable = { (flag: Bool?) in flag == true ? "NULL" : "NOT NULL" }
                differences.append("column \(table).\(column): \(nullable(lite.columns[column])) in SQLite, \(nullable(pg.columns[column])) in PostgreSQL")
            }
            onlyIn(lite.indexes.keys, pg.indexes.keys, "index \(table).")
            for index in Set(lite.indexes.keys).intersection(pg.indexes.keys).sorted() where lite.indexes[index] != pg.indexes[index] {
                differences.append(
                    "index \(table).\(index): \(lite.indexes[index].map(String.init(describing:)) ?? "") in SQLite, "
                        + "\(pg.indexes[index].map(String.init(describing:)) ?? "") in PostgreSQL")
            }
            onlyIn(lite.keys, pg.keys, "key \(table).")
        }
        return differences
    }

    static func key(primary: Bool, _ columns: [String]) -> String {
        (primary ? "primary(" : "unique(") + columns.joined(separator: ", ") + ")"
    }

    /// The tables of a migrated SQLite database, without GRDB's and SQLite's own.
    static func shapes(of storage: SQLiteStorage) async throws -> [String: TableShape] {
        try await storage.pool.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
            var shapes: [String: TableShape] = [:]
            for table in tables {
                var shape = TableShape()
                var primary: [(Int, String)] = []
                for column in try Row.fetchAll(db, sql: "SELECT name, \"notnull\", pk FROM pragma_table_info(?)", arguments: [table]) {
                    shape.columns[column["name"]] = !(column["notnull"] as Bool)
                    if column["pk"] as Int > 0 { primary.append((column["pk"], column["name"])) }
                }
                if !primary.isEmpty { shape.keys.insert(key(primary: true, primary.sorted { $0.0 < $1.0 }.map(\.1))) }
                let indexes = try Row.fetchAll(db, sql: "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", arguments: [table])
                for index in indexes {
                    let name: String = index["name"]
                    let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name])
                    switch index["origin"] as String {
                    case "c": shape.indexes[name] = IndexShape(columns: columns, unique: index["unique"], partial: index["partial"])
                    case "u": shape.keys.insert(key(primary: false, columns))
                    default: break  // "pk": already taken from table_info, which also sees rowid primary keys
                    }
                }
                shapes[table] = shape
            }
            return shapes
        }
    }

    /// Every index of the current schema: its table, whether it backs a PRIMARY KEY or UNIQUE constraint, its columns in order.
    static let postgresIndexes = """
        SELECT t.relname::text AS table_name, i.relname::text AS index_name, x.indisunique AS is_unique,
               x.indisprimary AS is_primary, x.indpred IS NOT NULL AS is_partial,
               EXISTS (SELECT 1 FROM pg_constraint c
                       WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')) AS is_constraint,
               array_to_string(ARRAY(
                   SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.position), ',') AS columns
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema()
        """

    /// The tables of the storage's schema (its search_path), without the migrations' bookkeeping.
    static func shapes(of storage: PostgresStorage) async throws -> [String: TableShape] {
        var shapes: [String: TableShape] = [:]
        let tables = try await storage.rows(
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
        for table in tables.compactMap({ $0.text("name") }) where table != "schema_migrations" { shapes[table] = TableShape() }
        let columns = try await storage.rows(
            """
            SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS is_nullable
            FROM information_schema.columns WHERE table_schema = current_schema()
            """)
        for column in columns {
            guard let table = column.text("table_name"), shapes[table] != nil, let name = column.text("column_name") else { continue }
            shapes[table]?.columns[name] = column.text("is_nullable") == "YES"
        }
        for index in try await storage.rows(PostgresQuery(unsafeSQL: postgresIndexes)) {
            guard let table = index.text("table_name"), shapes[table] != nil, let name = index.text("index_name") else { continue }
            let columns = (index.text("columns") ?? "").split(separator: ",").map(String.init)
            if index.flag("is_constraint") {
                shapes[table]?.keys.insert(key(primary: index.flag("is_primary"), columns))
            } else {
                shapes[table]?.indexes[name] = IndexShape(columns: columns, unique: index.flag("is_unique"), partial: index.flag("is_partial"))
            }
        }
        return shapes
    }
}

/// The SQLite and PostgreSQL migrations, written twice, must end at the same schema.
@Suite struct SchemaParityTests {
    @Test(.enabled(if: TestPostgres.url != nil, "schema parity SKIPPED: set SWITCHBOARD_TEST_POSTGRES_URL (see .ci/run) to run it"))
    func sqliteAndPostgresMigrateToTheSameSchema() async throws {
        let (sqlite, cleanUpSQLite) = try await StorageBackend.sqlite.make()
        defer { cleanUpSQLite() }
        let (postgres, cleanUpPostgres) = try await StorageBackend.postgres.make()
        defer { cleanUpPostgres() }
        let sqliteShapes = try await SchemaParity.shapes(of: try #require(sqlite as? SQLiteStorage))
        let postgresShapes = try await SchemaParity.shapes(of: try #require(postgres as? PostgresStorage))
        // Both readers found the schema at all: an empty pair would agree vacuously.
        #expect(postgresShapes["deliveries"]?.indexes["deliveries_destination_due"]?.columns == ["destination_id", "next_attempt_at", "id"])
        #expect(postgresShapes["events"]?.keys == ["primary(id)", "unique(source_id, message_id)"])
        let differences = SchemaParity.differences(sqlite: sqliteShapes, postgres: postgresShapes)
        #expect(differences.isEmpty, "\n\(differences.joined(separator: "\n"))")
    }

    @Test func sqliteSchemaIsReadWhole() async throws {
        let (sqlite, cleanUp) = try await StorageBackend.sqlite.make()
        defer { cleanUp() }
        let shapes = try await SchemaParity.shapes(of: try #require(sqlite as? SQLiteStorage))
        #expect(shapes["grdb_migrations"] == nil)
        #expect(shapes["deliveries"]?.columns["lease_count"] == false)
        #expect(shapes["deliveries"]?.columns["next_attempt_at"] == true)
        #expect(
            shapes["deliveries"]?.indexes["deliveries_destination_due"]
                == IndexShape(columns: ["destination_id", "next_attempt_at", "id"], unique: false, partial: true))
        #expect(shapes["events"]?.keys == ["primary(id)", "unique(source_id, message_id)"])
        #expect(shapes["attempts"]?.keys == ["primary(delivery_id, number)"])
    }

    static let table = TableShape(
        columns: ["id": false, "name": true],
        indexes: ["things_name": IndexShape(columns: ["name", "id"], unique: false, partial: false)],
        keys: ["primary(id)"])

    @Test func sameShapesHaveNoDifferences() {
        #expect(SchemaParity.differences(sqlite: ["things": Self.table], postgres: ["things": Self.table]).isEmpty)
    }

    @Test func everyKindOfDifferenceIsReported() {
        var other = Self.table
        other.columns["name"] = false
        other.columns["extra"] = true
        other.indexes["things_name"]?.columns = ["name"]
        other.indexes["things_new"] = IndexShape(columns: ["extra"], unique: true, partial: false)
        other.keys = ["primary(id)", "unique(name)"]
        let differences = SchemaParity.differences(sqlite: ["things": Self.table, "gone": TableShape()], postgres: ["things": other])
        #expect(
            differences == [
                "table gone only in SQLite",
                "column things.extra only in PostgreSQL",
                "column things.name: NULL in SQLite, NOT NULL in PostgreSQL",
                "index things.things_new only in PostgreSQL",
                "index things.things_name: (name, id) in SQLite, (name) in PostgreSQL",
                "key things.unique(name) only in PostgreSQL",
            ])
    }
}
