import Foundation
import SwitchboardCore
import SwitchboardStorage

/// What delivery tests start from: a workspace with a source, a destination and one subscription.
enum DeliverySetUp {
    static func make(
        _ storage: any Storage, ids: IdentifierGenerator, now: Date, names: [String] = ["*"], condition: Condition? = nil, mapping: Mapping? = nil,
        destination configure: (inout Destination) -> Void = { _ in }
    ) async throws -> (source: Source, destination: Destination, subscription: Subscription) {
        let workspace = Workspace(id: ids.make(.workspace), name: "w", parentId: nil, createdAt: now)
        try await storage.createWorkspace(workspace)
        let source = Source(
            id: ids.make(.source), workspaceId: workspace.id, name: "s", type: .segment, verification: nil, eventNamePrefix: nil,
            writeKey: Secrets.newWriteKey(), createdAt: now, updatedAt: now)
        try await storage.createSource(source)
        var destination = Destination(
            id: ids.make(.destination), workspaceId: workspace.id, name: "d", url: "https://d.example.com", secret: WebhookSigner.newSecret(),
            createdAt: now, updatedAt: now)
        configure(&destination)
        try await storage.createDestination(destination)
        let subscription = Subscription(
            id: ids.make(.subscription), workspaceId: workspace.id, destinationId: destination.id, name: "sub", eventNames: names,
            condition: condition, mapping: mapping, createdAt: now, updatedAt: now)
        try await storage.createSubscription(subscription)
        return (source, destination, subscription)
    }
}

/// What every contract suite builds its records from: ids, and a fixed clock (`now`) that
/// tests move by passing offsets, never by sleeping.
protocol StorageContract {
    var ids: IdentifierGenerator { get }
    var now: Date { get }
}

extension StorageContract {
    func at(_ offset: TimeInterval) -> Date { now.addingTimeInterval(offset) }

    func workspace(_ storage: any Storage, parent: String? = nil) async throws -> Workspace {
        let workspace = Workspace(id: ids.make(.workspace), name: "w", parentId: parent, createdAt: now)
        try await storage.createWorkspace(workspace)
        return workspace
    }

    func source(_ storage: any Storage, in workspace: Workspace, writeKey: String? = nil) async throws -> Source {
        let source = Source(
            id: ids.make(.source), workspaceId: workspace.id, name: "web", type: .segment, verification: ["type": "token"],
            eventNamePrefix: "x-", writeKey: writeKey ?? Secrets.newWriteKey(), createdAt: now, updatedAt: now)
        try await storage.createSource(source)
        return source
    }

    func destination(
        _ storage: any Storage, in workspaceId: String, name: String = "d", url: String = "https://d.example.com",
        configure: (inout Destination) -> Void = { _ in }
    ) async throws -> Destination {
        var destination = Destination(
            id: ids.make(.destination), workspaceId: workspaceId, name: name, url: url, secret: WebhookSigner.newSecret(), createdAt: now,
            updatedAt: now)
        configure(&destination)
        try await storage.createDestination(destination)
        return destination
    }

    func subscription(
        _ storage: any Storage, to destination: Destination, names: [String] = ["*"], configure: (inout Subscription) -> Void = { _ in }
    ) async throws -> Subscription {
        var subscription = Subscription(
            id: ids.make(.subscription), workspaceId: destination.workspaceId, destinationId: destination.id, name: "sub", eventNames: names,
            condition: nil, mapping: nil, createdAt: now, updatedAt: now)
        configure(&subscription)
        try await storage.createSubscription(subscription)
        return subscription
    }

    /// A track event (`identify` when so named) received `offset` seconds after `now`.
    func event(
        _ source: Source, messageId: String = UUID().uuidString, name: String = "Signed Up", userId: String? = "u1", at offset: TimeInterval = 0
    ) -> Event {
        var message: [String: JSONValue] = [
            "event": .string(name), "messageId": .string(messageId), "properties": ["total": 9.5, "tags": ["a"]],
        ]
        message["userId"] = userId.map(JSONValue.string)
        return Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: name == "identify" ? .identify : .track,
            name: name, messageId: messageId, userId: userId, anonymousId: nil, receivedAt: at(offset), message: message)
    }

    /// The outcome of attempt `number` at a delivery, made `offset` seconds after `now`.
    func record(
        _ delivery: Delivery, _ decision: DeliveryDecision, status: Int? = 500, number: Int = 1, at offset: TimeInterval = 0
    ) -> AttemptRecord {
        AttemptRecord(
            deliveryId: delivery.id, destinationId: delivery.destinationId,
            attempt: Attempt(number: number, at: at(offset), durationMs: 7, responseStatus: status, responseBody: "body", error: nil),
            decision: decision)
    }

    /// Every delivery of the workspace that `filter` lets through, newest first.
    func deliveries(_ storage: any Storage, in workspaceId: String, _ filter: DeliveryFilter = DeliveryFilter()) async throws -> [Delivery] {
        try await storage.listDeliveries(workspaceId: workspaceId, filter: filter, page: PageRequest(limit: PageRequest.maximumLimit)).items
    }
}
