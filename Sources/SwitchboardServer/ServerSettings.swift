import Foundation
import SwitchboardAPI
import SwitchboardCore
import SwitchboardWorkers
/// Everything `serve` needs to know, however it was configured.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// SQLite file path.
    public var database: String
    /// Largest request body accepted, after decompression.
    public var maxBodyBytes: Int
    /// Registered as an admin key at start-up when set.
    public var adminKey: String?
    /// Base of the URLs the API hands out; defaults to `http://host:port`.
    public var publicURL: String?
    /// Lets destinations resolve to loopback, private and link-local addresses (tests, on-premise).
    public var allowPrivateDestinations: Bool
    /// When set, webhooks may go only to these hosts.
    public var destinationHosts: Set<String>?
    /// Networks webhooks may reach although they are private, loopback or otherwise refused
    /// (an internal service the operator trusts); without them, only public addresses.
    public var allowedDestinationNetworks: [AddressRange] = []
    public var dispatcher: Dispatcher.Settings
    /// Audience builds, count expiries, sync runs and date triggers.
    public var schedules = Scheduler.Settings()
    /// How long events, their finished deliveries and attempts are kept.
    public var retention = RetentionService.Settings()
    /// Recurring syncs a workspace may have (Heap allows 30).
    public var maxRecurringSyncs = 30
    /// A connection that sends no complete request part for this long is closed: half-sent
    /// requests cannot hold connections open.
    public var idleTimeoutSeconds: Double = 30
    /// OpenTelemetry spans of ingest, routing and delivery, exported as the `OTEL_*` environment says.
    public var tracing = false
    /// When set, `/metrics` needs `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// Per-destination gauges are read from the database at most this often, however often
    /// Prometheus scrapes.
    public var metricsRefreshSeconds: Double = 5
    /// How long `/readyz` waits for the database.
    public var readinessTimeout = Dependencies.defaultReadinessTimeout

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: String = "./switchboard.sqlite",
        maxBodyBytes: Int = 1 << 20, adminKey: String? = nil, publicURL: String? = nil, allowPrivateDestinations: Bool = false,
        destinationHosts: Set<String>? = nil, dispatcher: Dispatcher.Settings = .init()
    ) {
        self.destinationHosts = destinationHosts
        self.allowPrivateDestinations = allowPrivateDestinations
        self.dispatcher = dispatcher
        self.host = host
        self.port = port
        self.database = database
        self.maxBodyBytes = maxBodyBytes
        self.adminKey = adminKey
        self.publicURL = publicURL
    }
}
