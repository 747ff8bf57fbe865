import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters per statement.
    static let rowsPerStatement = 2_000

    public func event(id: String, workspaceId: String) async throws -> Event? {
        try await rows("SELECT * FROM events WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map { Event(row: $0) }
    }

    public func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event> {
        var statement = Statement("SELECT * FROM events WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id <", .text(page.cursor))
        statement.filter("name =", .text(filter.name))
        statement.filter("user_id =", .text(filter.userId))
        statement.filter("type =", .text(filter.type?.rawValue))
        statement.filter("source_id =", .text(filter.sourceId))
        statement.filter("received_at >=", .date(filter.since))
        statement.add(" ORDER BY id DESC LIMIT ")
        statement.bind(.int(page.limit + 1))
        return Page(fetched: try await rows(statement).map { Event(row: $0) }, limit: page.limit, id: \.id)
    }
}
