import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    static func insertPresetEventTypes(_ db: Database, workspaceId: String, at date: Date) throws {
        for name in OpenLoyaltyNames.presetEventTypes {
            try db.execute(
                sql: "INSERT OR IGNORE INTO event_types (workspace_id, name, description, schema, created_at) VALUES (?, ?, NULL, NULL, ?)",
                arguments: [workspaceId, name, date.milliseconds])
        }
    }

    public func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord] {
        try await pool.read { db in
            try Row.mapAll(db, sql: "SELECT * FROM event_types WHERE workspace_id = ? ORDER BY name", arguments: [workspaceId]) { EventTypeRecord(row: $0) }
        }
    }

    public func createEventType(_ type: EventTypeRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO event_types (workspace_id, name, description, schema, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [type.workspaceId, type.name, type.description, type.schema.map(JSONCoding.string), type.createdAt.milliseconds])
        }
    }

    public func deleteEventType(workspaceId: String, name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM event_types WHERE workspace_id = ? AND name = ?", arguments: [workspaceId, name])
            return db.changesCount > 0
        }
    }
}
