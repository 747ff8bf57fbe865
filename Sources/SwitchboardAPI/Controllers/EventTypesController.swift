import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// The event-type catalogue; every workspace starts with Open Loyalty's names and Segment's types.
struct EventTypesController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/event-types", summary: "List event types", tag: "Event types", access: .viewer)) { request, context in
            let principal = try context.principal()
            let types = try await dependencies.eventTypes.listEventTypes(workspaceId: principal.workspaceId)
            return .json(["data": .array(types.map(Self.document)), "nextCursor": .null])
        }
        routes.add(
            .init(method: .post, path: "/v1/event-types", summary: "Add an event type", tag: "Event types", access: .editor,
                requestBody: Schema.object(["name": Schema.name, "description": Schema.nullableString, "schema": Schema.nullableObject], required: ["name"]),
                success: .created)
        ) { request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let type = EventTypeRecord(
                workspaceId: principal.workspaceId, name: try fields.requiredString("name"),
                description: try fields.optionalString("description", maximumLength: 2000),
                schema: try fields.object("schema").map { .object($0.fields) }, createdAt: dependencies.now())
            do {
                try await dependencies.eventTypes.createEventType(type)
            } catch StorageError.conflict {
                throw APIError.conflict("an event type named \(type.name) exists already")
            }
            return .json(Self.document(type), status: .created)
        }
        routes.add(.init(method: .delete, path: "/v1/event-types/{name}", summary: "Remove an event type", tag: "Event types", access: .editor, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            guard try await dependencies.eventTypes.deleteEventType(workspaceId: principal.workspaceId, name: (context.parameters.get("name") ?? "").removingPercentEncoding ?? "") else {
                throw APIError.notFound("event type")
            }
            return .noContent
        }
    }
}
