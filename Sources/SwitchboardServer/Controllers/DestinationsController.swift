import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Destinations: where and how to send, with their secret, a test send and recovery.
struct DestinationsController {
    let dependencies: Dependencies

    /// How long the previous secret keeps signing after a rotation.
    static let rotationOverlap: TimeInterval = 24 * 3600

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/destinations", summary: "List destinations", tag: "Destinations", query: ["search", "limit", "cursor"])) {
            request, _ in
            let principal = try await dependencies.authenticator.require(.read, request)
            let query = QueryReader(request)
            let page = try await dependencies.storage.listDestinations(
                workspaceId: principal.workspaceId, search: query.string("search"), page: query.page(of: .destination))
            return .json(page.document(DestinationFields.document))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations", summary: "Create a destination (the response shows its secret)", tag: "Destinations",
                requestBody: DestinationFields.schema, success: .created)
        ) { request, _ in
            let principal = try await dependencies.authenticator.require(.write, request)
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let now = dependencies.now()
            var destination = Destination(
                id: dependencies.identifiers.make(.destination), workspaceId: principal.workspaceId, name: "", url: "",
                secret: WebhookSigner.newSecret(), createdAt: now, updatedAt: now)
            try DestinationFields.apply(fields, to: &destination, creating: true)
            try await checkAddress(destination.url)
            try await dependencies.storage.createDestination(destination)
            guard case .object(var document) = DestinationFields.document(destination) else { return .json(.null) }
            document["secret"] = .string(destination.secret)
            return .json(.object(document), status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/destinations/{id}", summary: "Get a destination", tag: "Destinations")) { request, context in
            let principal = try await dependencies.authenticator.require(.read, request)
            return .json(DestinationFields.document(try await destination(context, principal)))
        }
        routes.add(
            .init(method: .patch, path: "/v1/destinations/{id}", summary: "Change a destination", tag: "Destinations", requestBody: DestinationFields.schema)
        ) { request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            var destination = try await destination(context, principal)
            let wasEnabled = destination.enabled
            try DestinationFields.apply(try JSONObjectReader(try await dependencies.body.read(request)), to: &destination, creating: false)
            try await checkAddress(destination.url)
            destination.updatedAt = dependencies.now()
            guard try await dependencies.storage.updateDestination(destination) else { throw APIError.notFound("destination") }
            if destination.enabled, !wasEnabled { dependencies.wake.signal() }
            return .json(DestinationFields.document(destination))
        }
        routes.add(.init(method: .delete, path: "/v1/destinations/{id}", summary: "Delete a destination and its subscriptions", tag: "Destinations", success: .noContent)) {
            request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            guard try await dependencies.storage.deleteDestination(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("destination")
            }
            return .noContent
        }
        routes.add(.init(method: .get, path: "/v1/destinations/{id}/secret", summary: "The signing secret (and the previous one during rotation)", tag: "Destinations")) {
            request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            return .json(secretDocument(try await destination(context, principal)))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/rotate-secret", summary: "Rotate the signing secret; the old one signs for 24 h more", tag: "Destinations",
                requestBody: Schema.object(["secret": Schema.string]))
        ) { request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            var destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await optionalBody(request))
            let next = try fields.string("secret").map(DestinationFields.checkedSecret) ?? WebhookSigner.newSecret()
            let now = dependencies.now()
            destination.previousSecret = destination.secret
            destination.previousSecretExpiresAt = now.addingTimeInterval(Self.rotationOverlap)
            destination.secret = next
            destination.updatedAt = now
            guard try await dependencies.storage.updateDestination(destination) else { throw APIError.notFound("destination") }
            return .json(secretDocument(destination))
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/test", summary: "Send one test event now and show the request and response", tag: "Destinations",
                requestBody: Schema.object(["event": Schema.anyObject]))
        ) { request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            let destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await optionalBody(request))
            let event = try SampleEvent.make(from: try fields.object("event")?.fields, workspaceId: principal.workspaceId, identifiers: dependencies.identifiers, now: dependencies.now())
            let subscription = Subscription(
                id: "sub_test", workspaceId: principal.workspaceId, destinationId: destination.id, name: "test", eventNames: ["*"], condition: nil,
                mapping: nil, createdAt: dependencies.now(), updatedAt: dependencies.now())
            let sent = try RequestRenderer.sign(
                RequestRenderer.render(event: event, subscription: subscription, destination: destination), destination: destination,
                deliveryId: "msg_test_" + event.id.dropFirst(4), at: dependencies.now())
            let result = await dependencies.sender.send(sent, timeoutMs: destination.timeoutMs)
            return .json([
                "request": RequestDocument.make(sent),
                "response": result.status.map { status in
                    [
                        "status": .int(Int64(status)),
                        "headers": .object(Dictionary(result.headers.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first })),
                        "body": .string(result.body ?? ""),
                    ]
                } ?? .null,
                "error": result.error.map { .string($0.rawValue) } ?? .null,
                "durationMs": .int(Int64(result.durationMs)),
            ])
        }
        routes.add(
            .init(method: .post, path: "/v1/destinations/{id}/recover", summary: "Re-queue failed deliveries created in [since, until)", tag: "Destinations",
                requestBody: Schema.object(["since": ["type": "string", "format": "date-time"], "until": ["type": "string", "format": "date-time"]], required: ["since"]))
        ) { request, context in
            let principal = try await dependencies.authenticator.require(.write, request)
            let destination = try await destination(context, principal)
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            guard let since = try fields.date("since") else { throw APIError.validation(field: "since", "since is required") }
            let count = try await dependencies.storage.recoverDeliveries(
                destinationId: destination.id, workspaceId: principal.workspaceId, since: since, until: try fields.date("until"), now: dependencies.now())
            if count > 0 { dependencies.wake.signal() }
            return .json(["requeued": .int(Int64(count))])
        }
    }

    private func destination(_ context: SwitchboardRequestContext, _ principal: Principal) async throws -> Destination {
        guard let destination = try await dependencies.storage.destination(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
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

    private func checkAddress(_ url: String) async throws {
        if let refusal = await dependencies.sender.addressGuard.refusal(for: url) {
            throw APIError.validation(field: "url", "\(refusal): destinations on loopback, private or link-local networks are refused")
        }
    }

    private func secretDocument(_ destination: Destination) -> JSONValue {
        let now = dependencies.now()
        let previous = destination.signingSecrets(at: now).dropFirst().first
        return ["secret": .string(destination.secret), "previousSecret": previous.map(JSONValue.string) ?? .null]
    }
}

/// A rendered request as the API shows it.
enum RequestDocument {
    static func make(_ request: RenderedRequest) -> JSONValue {
        [
            "method": .string(request.method),
            "url": .string(request.url),
            "headers": .object(Dictionary(request.headers.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first })),
            "body": (try? JSONCoding.parse(request.body, maximumDepth: .max)) ?? .string(String(decoding: request.body, as: UTF8.self)),
        ]
    }
}
