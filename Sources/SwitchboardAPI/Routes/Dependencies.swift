import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// What the controllers share: the storage roles they read and write, the services that do
/// more than store, and the request plumbing (ids, time, body limits).
public struct Dependencies: Sendable {
    var tenancy: any TenancyStore
    var sources: any SourceStore
    var eventTypes: any EventTypeStore
    var destinationStore: any DestinationStore
    var subscriptionStore: any SubscriptionStore
    var events: any EventLog
    var deliveryLog: any DeliveryLog
    var profiles: any ProfileStore
    var audiences: any AudienceStore
    var syncs: any SyncStore
    var dateTriggers: any DateTriggerStore
    var inboundReplays: any InboundReplayStore
    /// Recurring syncs a workspace may have.
    var maxRecurringSyncs: Int
    /// Succeeds when the database answers (readiness).
    var ping: @Sendable () async throws -> Void
    /// How long `/readyz` waits for `ping`.
    public var readinessTimeout = Dependencies.defaultReadinessTimeout
    /// Well under 1 s, so `/readyz` answers within 1 s even on a busy machine.
    public static let defaultReadinessTimeout = Duration.milliseconds(700)
    /// `/metrics`, and the metrics the API records (HTTP requests, ingested events).
    var metricsService: MetricsService
    var metrics: SwitchboardMetrics { metricsService.metrics }
    var ingest: IngestService
    var destinations: DestinationService
    var subscriptions: SubscriptionService
    var deliveries: DeliveryService
    var identifiers: IdentifierGenerator
    var now: @Sendable () -> Date
    var body: JSONBodyReader
    /// Base URL that ingest URLs in responses start with.
    var publicURL: String

    public init(
        storage: any Storage, ingest: IngestService, destinations: DestinationService, subscriptions: SubscriptionService,
        deliveries: DeliveryService, identifiers: IdentifierGenerator, now: @escaping @Sendable () -> Date, maximumBodyBytes: Int,
        maxRecurringSyncs: Int = 30, publicURL: String, metrics: MetricsService? = nil
    ) {
        metricsService = metrics ?? MetricsService(statistics: storage, token: nil)
        (tenancy, sources, eventTypes, destinationStore, subscriptionStore) = (storage, storage, storage, storage, storage)
        (events, deliveryLog, profiles, audiences, syncs, dateTriggers) = (storage, storage, storage, storage, storage, storage)
        inboundReplays = storage
        self.maxRecurringSyncs = maxRecurringSyncs
        ping = { try await storage.ping() }
        self.ingest = ingest
        self.destinations = destinations
        self.subscriptions = subscriptions
        self.deliveries = deliveries
        self.identifiers = identifiers
        self.now = now
        self.body = JSONBodyReader(maximumBytes: maximumBodyBytes)
        self.publicURL = publicURL
    }
}
