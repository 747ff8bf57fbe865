import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Subscriptions: which events go to a destination, under which condition, shaped how.
struct SubscriptionsController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/subscriptions", summary: "List subscriptions", tag: "Subscriptions", access: .viewer, query: ["destinationId", "limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            let page = try await dependencies.subscriptionStore.listSubscriptions(
                workspaceId: principal.workspaceId, destinationId: query.string("destinationId"), page: query.page(of: .subscription))
            return .json(page.document(Self.document))
        }
        routes.add(.init(method: .post, path: "/v1/subscriptions", summary: "Create a subscription", tag: "Subscriptions", access: .editor, requestBody: Self.schema(required: ["name", "destinationId", "eventNames"]), success: .created)) {
            request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let now = dependencies.now()
            var subscription = Subscription(
                id: dependencies.identifiers.make(.subscription), workspaceId: principal.workspaceId, destinationId: "", name: "", eventNames: [],
                condition: nil, mapping: nil, createdAt: now, updatedAt: now)
            try await apply(fields, to: &subscription, creating: true)
            try await dependencies.subscriptionStore.createSubscription(subscription)
            return .json(Self.document(subscription), status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/subscriptions/{id}", summary: "Get a subscription", tag: "Subscriptions", access: .viewer)) { request, context in
            let principal = try context.principal()
            return .json(Self.document(try await subscription(context, principal)))
        }
        routes.add(.init(method: .patch, path: "/v1/subscriptions/{id}", summary: "Change a subscription", tag: "Subscriptions", access: .editor, requestBody: Self.schema(required: []))) {
            request, context in
            let principal = try context.principal()
            var subscription = try await subscription(context, principal)
            try await apply(try JSONObjectReader(try await dependencies.body.read(request)), to: &subscription, creating: false)
            subscription.updatedAt = dependencies.now()
            guard try await dependencies.subscriptionStore.updateSubscription(subscription) else { throw APIError.notFound("subscription") }
            return .json(Self.document(subscription))
        }
        routes.add(.init(method: .delete, path: "/v1/subscriptions/{id}", summary: "Delete a subscription", tag: "Subscriptions", access: .editor, success: .noContent)) { request, context in
            let principal = try context.principal()
            guard try await dependencies.subscriptionStore.deleteSubscription(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("subscription")
            }
            return .noContent
        }
        routes.add(
            .init(method: .post, path: "/v1/subscriptions/{id}/preview", summary: "Whether an event would match, and the request it would send (nothing is sent; the signature only to keys that may read the secret)", tag: "Subscriptions", access: .viewer,
                requestBody: Schema.object(["event": Schema.anyObject], required: ["event"]))
        ) { request, context in
            let principal = try context.principal()
            let subscription = try await subscription(context, principal)
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            guard let message = try fields.object("event") else { throw APIError.validation(field: "event", "event is required") }
            let event = try SampleEvent.make(from: message.fields, workspaceId: principal.workspaceId, identifiers: dependencies.identifiers, now: dependencies.now())
            guard let shown = try await dependencies.subscriptions.preview(subscription, event: event, revealSignature: principal.role.allows(.write))
            else { return .json(["matched": false, "request": .null]) }
            return .json(["matched": true, "request": RequestDocument.make(shown)])
        }
    }

    private func subscription(_ context: SwitchboardRequestContext, _ principal: Principal) async throws -> Subscription {
        guard let subscription = try await dependencies.subscriptionStore.subscription(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
            throw APIError.notFound("subscription")
        }
        return subscription
    }

    private func apply(_ fields: JSONObjectReader, to subscription: inout Subscription, creating: Bool) async throws {
        try await SubscriptionFields.apply(fields, to: &subscription, creating: creating, destinations: dependencies.destinationStore)
    }
}
