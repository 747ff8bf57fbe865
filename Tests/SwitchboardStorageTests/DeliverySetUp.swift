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
