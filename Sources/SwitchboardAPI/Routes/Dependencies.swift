import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// What the controllers share: the stores they read, the services that change things, and the
/// request plumbing (ids, time, body limits).
public struct Dependencies: Sendable {
    var storage: any Storage
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
        deliveries: DeliveryService, identifiers: IdentifierGenerator, now: @escaping @Sendable () -> Date, maximumBodyBytes: Int, publicURL: String
    ) {
        self.storage = storage
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
