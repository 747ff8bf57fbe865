import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// Destinations: where and how to send, with their secret, a test send and recovery.
struct DestinationsController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/destinations", summary: "List destinations", tag: "Destinations", access: .viewer, query: ["search", "limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            let page = try await dependencies.destinationStore.listDestinations(
                workspaceId: principal.workspaceId, search: query.string("search"), page: query.page(of: .destination))
            return .json(page.document(DestinationFields.document))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations", summary: "Create a destination (the response shows its secret)", tag: "Destinations", access: .editor,
                requestBody: DestinationFields.schema, success: .created)
        ) { request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let now = dependencies.now()
            var destination = Destination(
                id: dependencies.identifiers.make(.destination), workspaceId: principal.workspaceId, name: "", url: "",
                secret: WebhookSigner.newSecret(), createdAt: now, updatedAt: now)
            try DestinationFields.apply(fields, to: &destination, creating: true)
            try await dependencies.destinations.create(destination)
            guard case .object(var document) = DestinationFields.document(destination) else { return .json(.null) }
            document["secret"] = .string(destination.secret)
            return .json(.object(document), status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/destinations/{id}", summary: "Get a destination", tag: "Destinations", access: .viewer)) { request, context in
            let principal = try context.principal()
            return .json(DestinationFields.document(try await destination(context, principal)))
        }
        routes.add(
            .init(method: .patch, path: "/v1/destinations/{id}", summary: "Change a destination", tag: "Destinations", access: .editor, requestBody: DestinationFields.schema)
        ) { request, context in
            let principal = try context.principal()
            let previous = try await destination(context, principal)
            var destination = previous
            try DestinationFields.apply(try JSONObjectReader(try await dependencies.body.read(request)), to: &destination, creating: false)
            guard let saved = try await dependencies.destinations.update(destination, was: previous) else { throw APIError.notFound("destination") }
            return .json(DestinationFields.document(saved))
        }
        routes.add(.init(method: .delete, path: "/v1/destinations/{id}", summary: "Delete a destination and its subscriptions", tag: "Destinations", access: .editor, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            guard try await dependencies.destinationStore.deleteDestination(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("destination")
            }
            return .noContent
        }
        registerSecret(on: routes)
        registerActions(on: routes)
    }

    /// The signing secret and its rotation.
    private func registerSecret(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/destinations/{id}/secret", summary: "The signing secret (and the previous one during rotation)", tag: "Destinations", access: .editor)) {
            request, context in
            let principal = try context.principal()
            return .json(DestinationFields.secretDocument(try await destination(context, principal), at: dependencies.now()))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/rotate-secret", summary: "Rotate the signing secret; the old one signs for 24 h more", tag: "Destinations", access: .editor,
                requestBody: Schema.object(["secret": Schema.string]))
        ) { request, context in
            let principal = try context.principal()
            let destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await optionalBody(request))
            let secret = try fields.string("secret").map(DestinationFields.checkedSecret)
            guard let rotated = try await dependencies.destinations.rotateSecret(of: destination, to: secret) else { throw APIError.notFound("destination") }
            return .json(DestinationFields.secretDocument(rotated, at: dependencies.now()))
        }
    }

    /// A test send now, and recovery of failed deliveries.
    private func registerActions(on routes: APIRouteBuilder) {
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/test", summary: "Send one test event now and show the request and response", tag: "Destinations", access: .editor,
                requestBody: Schema.object(["event": Schema.anyObject]))
        ) { request, context in
            let principal = try context.principal()
            let destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await optionalBody(request))
            let event = try SampleEvent.make(from: try fields.object("event")?.fields, workspaceId: principal.workspaceId, identifiers: dependencies.identifiers, now: dependencies.now())
            let (sent, result) = try await dependencies.destinations.testSend(to: destination, event: event)
            return .json(RequestDocument.testSend(request: sent, result: result))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/recover", summary: "Re-queue failed deliveries created in [since, until)", tag: "Destinations", access: .editor,
                requestBody: Schema.object(["since": ["type": "string", "format": "date-time"], "until": ["type": "string", "format": "date-time"]], required: ["since"]))
        ) { request, context in
            let principal = try context.principal()
            let destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            guard let since = try fields.date("since") else { throw APIError.validation(field: "since", "since is required") }
            let count = try await dependencies.destinations.recover(destination, since: since, until: try fields.date("until"))
            return .json(["requeued": .int(Int64(count))])
        }
    }

    private func destination(_ context: SwitchboardRequestContext, _ principal: Principal) async throws -> Destination {
        guard let destination = try await dependencies.destinationStore.destination(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
            throw APIError.notFound("destination")
        }
        return destination
    }

    /// A body that may be left out entirely.
    private func optionalBody(_ request: Request) async throws -> JSONValue {
        if request.headers[.contentLength] == "0" || (request.headers[.contentLength] == nil && request.headers[.transferEncoding] == nil) {
            return [:]
        }
        return try await dependencies.body.read(request)
    }
}
