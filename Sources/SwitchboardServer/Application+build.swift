import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardAPI
import SwitchboardAdmin
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// Builds the whole server as both `serve` and the tests run it: storage (migrated, first start
/// done), the services, the HTTP API, and the workers, every long-running part a service of one
/// group. On graceful shutdown the group stops in reverse order: the HTTP server stops accepting,
/// the dispatcher finishes or hands back what it is sending, then the database pool closes.
/// - Parameter announce: receives the lines an operator must see: a new admin key, the address.
public func buildApplication(
    settings: ServerSettings,
    storage: (any Storage)? = nil,
    logger: Logger = Logger(label: "switchboard"),
    now: @escaping @Sendable () -> Date = Date.init,
    announce: @escaping @Sendable (String) -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let identifiers = IdentifierGenerator(now: now)
    let opened = try await ServedStorage.open(settings.database, given: storage, logger: logger) { storage in
        try await storage.migrate()
        if let key = try await Bootstrap.run(storage: storage, adminKey: settings.adminKey, identifiers: identifiers, now: now()) {
            announce("Admin API key (shown once, keep it safe): \(key)")
        }
    }
    let storage = opened.storage
    let work = WorkSignal(coordination: storage, logger: logger)
    let addressGuard = AddressGuard(
        allowPrivate: settings.allowPrivateDestinations, allowedHosts: settings.destinationHosts.map { Set($0.map(DestinationURL.normalizedHost)) },
        allowedNetworks: settings.allowedDestinationNetworks, now: now)
    let sender = WebhookSender(addressGuard: addressGuard)
    let metrics = MetricsService(statistics: storage, token: settings.metricsToken, refreshInterval: settings.metricsRefreshSeconds, now: now)
    let destinations = DestinationService(
        destinations: storage, deliveries: storage, sender: sender, work: work, now: now, events: storage, identifiers: identifiers)
    let deliveries = DeliveryService(deliveries: storage, work: work, now: now)
    let subscriptions = SubscriptionService(destinations: storage, profiles: storage, now: now)
    let publicURL = settings.publicURL ?? "http://\(settings.host):\(settings.port)"
    var dependencies = Dependencies(
        storage: storage,
        ingest: IngestService(eventLog: storage, work: work),
        destinations: destinations,
        subscriptions: subscriptions,
        deliveries: deliveries,
        identifiers: identifiers, now: now, maximumBodyBytes: settings.maxBodyBytes, maxRecurringSyncs: settings.maxRecurringSyncs,
        publicURL: publicURL, metrics: metrics)
    dependencies.readinessTimeout = settings.readinessTimeout
    let dispatcher = Dispatcher(queue: storage, sender: sender, settings: settings.dispatcher, now: now, work: work, logger: logger, metrics: metrics.metrics)
    let scheduler = Scheduler(
        maintenance: storage, coordination: storage, work: work, settings: settings.schedules, now: now, logger: logger, metrics: metrics.metrics)
    let retention = RetentionService(storage: storage, coordination: storage, settings: settings.retention, now: now, logger: logger)
    let router = APIRouter.make(dependencies, tracing: settings.tracing)
    // The admin panel on the same router and port, over the same services.
    try AdminPanel(
        storage: storage, destinations: destinations, deliveries: deliveries, subscriptions: subscriptions, identifiers: identifiers, now: now,
        publicURL: settings.publicURL,
        ingestBaseURL: publicURL, maxRecurringSyncs: settings.maxRecurringSyncs
    ).register(on: router)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(flooringSaturating: settings.idleTimeoutSeconds * 1000) ?? 30_000))),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Switchboard"),
        services: opened.services + [work, dispatcher, scheduler, retention],
        onServerRunning: { channel in
            announce("Switchboard listening on http://\(settings.host):\(channel.localAddress?.port ?? settings.port)")
        },
        logger: logger
    )
}
