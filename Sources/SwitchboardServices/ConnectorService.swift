import Foundation
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// Installs a connector: creates the plan's destinations (address-checked), sends its setup
/// requests through the guarded sender, then creates its subscriptions and syncs, each marked
/// with the connector's name. All or nothing: when any step fails, what was created is deleted.
public struct ConnectorService: Sendable {
    let destinations: DestinationService
    let destinationStore: any DestinationStore
    let subscriptionStore: any SubscriptionStore
    let syncs: any SyncStore
    let audiences: any AudienceStore
    let identifiers: IdentifierGenerator
    let maxRecurringSyncs: Int
    let now: @Sendable () -> Date

    /// How long a setup request (Braze's cohort creation) may take.
    public static let setupTimeoutMs = 15_000

    public init(
        destinations: DestinationService, destinationStore: any DestinationStore, subscriptionStore: any SubscriptionStore, syncs: any SyncStore,
        audiences: any AudienceStore, identifiers: IdentifierGenerator, maxRecurringSyncs: Int, now: @escaping @Sendable () -> Date
    ) {
        self.destinations = destinations
        self.destinationStore = destinationStore
        self.subscriptionStore = subscriptionStore
        self.syncs = syncs
        self.audiences = audiences
        self.identifiers = identifiers
        self.maxRecurringSyncs = maxRecurringSyncs
        self.now = now
    }

    public struct Installed: Sendable {
        public var destinations: [Destination] = []
        public var subscriptions: [Subscription] = []
        public var syncs: [SyncView] = []
    }

    public func install(_ connector: any Connector, parameters: JSONValue, workspaceId: String) async throws -> Installed {
        let now = now()
        let plan = try connector.plan(parameters: parameters, at: now)
        // Audiences first: an unknown key creates nothing.
        var audienceIds: [String] = []
        for sync in plan.syncs { audienceIds.append(try await audienceId(key: sync.audienceKey, workspaceId: workspaceId)) }
        var installed = Installed()
        do {
            for spec in plan.destinations {
                let destination = Destination(
                    id: identifiers.make(.destination), workspaceId: workspaceId, name: spec.name, url: spec.url, method: spec.method,
                    headers: spec.headers, signing: spec.signing, secret: spec.secret ?? WebhookSigner.newSecret(),
                    rateLimitPerSecond: spec.rateLimitPerSecond, batching: spec.batching, createdAt: now, updatedAt: now, connector: connector.name)
                do {
                    try await destinations.create(destination)
                } catch var error as ValidationError {
                    if error.field == "url" { error.field = spec.urlField }
                    throw error
                }
                installed.destinations.append(destination)
            }
            for setup in plan.setupRequests { try await send(setup) }
            for spec in plan.subscriptions {
                let subscription = Subscription(
                    id: identifiers.make(.subscription), workspaceId: workspaceId, destinationId: installed.destinations[spec.destination].id,
                    name: spec.name, eventNames: spec.eventNames, condition: spec.condition, mapping: spec.mapping, format: spec.format,
                    createdAt: now, updatedAt: now, connector: connector.name)
                try await subscriptionStore.createSubscription(subscription)
                installed.subscriptions.append(subscription)
            }
            for (index, spec) in plan.syncs.enumerated() {
                let sync = AudienceSync(
                    id: identifiers.make(.sync), workspaceId: workspaceId, audienceId: audienceIds[index],
                    destinationId: installed.destinations[spec.destination].id, intervalSeconds: spec.intervalSeconds, mode: spec.mode,
                    batchSize: spec.batchSize, mapping: spec.mapping, createdAt: now, updatedAt: now, connector: connector.name)
                try await syncs.createSync(sync, maximumRecurring: maxRecurringSyncs, now: now)
                guard let view = try await syncs.sync(id: sync.id, workspaceId: workspaceId) else { throw CancellationError() }
                installed.syncs.append(view)
            }
            return installed
        } catch {
            await undo(installed, workspaceId: workspaceId)
            throw error
        }
    }

    /// A setup request; anything but a 2xx answer fails the install, the status in the message
    /// (never the body sent, which holds keys).
    private func send(_ setup: ConnectorPlan.SetupRequest) async throws {
        let result = await destinations.sendOnce(setup.request, timeoutMs: Self.setupTimeoutMs)
        if let status = result.status, (200..<300).contains(status) { return }
        let answer = result.status.map { "answered HTTP \($0)" } ?? "could not be reached (\(result.error?.rawValue ?? "other"))"
        throw ValidationError(field: setup.field, "\(setup.purpose) failed: the platform \(answer); nothing was installed")
    }

    private func undo(_ installed: Installed, workspaceId: String) async {
        // Best effort, newest first; a destination's deletion takes its subscriptions with it.
        for view in installed.syncs.reversed() { _ = try? await syncs.deleteSync(id: view.sync.id, workspaceId: workspaceId) }
        for subscription in installed.subscriptions.reversed() {
            _ = try? await subscriptionStore.deleteSubscription(id: subscription.id, workspaceId: workspaceId)
        }
        for destination in installed.destinations.reversed() {
            _ = try? await destinationStore.deleteDestination(id: destination.id, workspaceId: workspaceId)
        }
    }

    private func audienceId(key: String, workspaceId: String) async throws -> String {
        var cursor: String?
        repeat {
            let page = try await audiences.listAudiences(workspaceId: workspaceId, page: PageRequest(limit: PageRequest.maximumLimit, cursor: cursor))
            if let view = page.items.first(where: { $0.audience.key == key }) { return view.audience.id }
            cursor = page.nextCursor
        } while cursor != nil
        throw ValidationError(field: "parameters.audienceKey", "no audience has the key \"\(key)\": create it first (POST /v1/audiences)")
    }
}
