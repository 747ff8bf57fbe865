import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    static func insertPresetEventTypes(_ connection: PostgresConnection, workspaceId: String, at date: Date, logger: Logger) async throws {
        var statement = Statement("INSERT INTO event_types (workspace_id, name, created_at) VALUES ")
        statement.values(
            OpenLoyaltyNames.presetEventTypes.map { [.text(workspaceId), .text($0), .date(date)] }, types: ["text", "text", "bigint"])
        statement.add(" ON CONFLICT DO NOTHING")
        try await connection.rows(statement, logger: logger)
    }

    public func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord] {
        try await rows("SELECT * FROM event_types WHERE workspace_id = \(workspaceId) ORDER BY name").map { EventTypeRecord(row: $0) }
    }

    public func createEventType(_ type: EventTypeRecord) async throws {
        let schema = type.schema.map(JSONCoding.string)
        try await rows(
            """
            INSERT INTO event_types (workspace_id, name, description, schema, created_at)
            VALUES (\(type.workspaceId), \(type.name), \(type.description), \(schema), \(type.createdAt.milliseconds))
            """)
    }

    public func deleteEventType(workspaceId: String, name: String) async throws -> Bool {
        try await !rows("DELETE FROM event_types WHERE workspace_id = \(workspaceId) AND name = \(name) RETURNING name").isEmpty
    }
}
