import Foundation
import Hummingbird
import Logging
import SwitchboardCore
import SwitchboardStorage

/// Builds the whole server (storage, bootstrap, routes) as both `serve` and the tests run it.
/// - Parameter announce: receives the lines an operator must see: a new admin key, the address.
public func buildApplication(
    settings: ServerSettings,
    storage: (any Storage)? = nil,
    logger: Logger = Logger(label: "switchboard"),
    now: @escaping @Sendable () -> Date = Date.init,
    announce: @escaping @Sendable (String) -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let storage = try storage ?? openStorage(settings.database, logger: logger)
    try await storage.migrate()
    let identifiers = IdentifierGenerator(now: now)
    if let key = try await Bootstrap.run(storage: storage, adminKey: settings.adminKey, identifiers: identifiers, now: now()) {
        announce("Admin API key (shown once, keep it safe): \(key)")
    }
    let wake = WakeSignal()
    let addressGuard = AddressGuard(
        allowPrivate: settings.allowPrivateDestinations, allowedHosts: settings.destinationHosts.map { Set($0.map(DestinationURL.normalizedHost)) },
        allowedNetworks: settings.allowedDestinationNetworks, now: now)
    let sender = WebhookSender(client: WebhookSender.sharedClient, addressGuard: addressGuard)
    let dependencies = Dependencies(
        storage: storage,
        // Each request routes its own events before it joins a commit: no condition runs inside one.
        committer: EventGroupCommitter(route: { events in try await storage.routeEvents(events) }) { events in
            if try await storage.insertEvents(events) > 0 { wake.signal() }
        },
        sender: sender,
        wake: wake,
        identifiers: identifiers,
        now: now,
        authenticator: Authenticator(storage: storage),
        body: JSONBodyReader(maximumBytes: settings.maxBodyBytes),
        publicURL: settings.publicURL ?? "http://\(settings.host):\(settings.port)"
    )
    let router = Router(context: SwitchboardRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    let routes = APIRouteBuilder(router: router)
    let operations = OperationsController(dependencies: dependencies)
    operations.register(on: routes)
    SegmentIngestController(dependencies: dependencies).register(on: routes)
    TenancyController(dependencies: dependencies).register(on: routes)
    SourcesController(dependencies: dependencies).register(on: routes)
    EventsController(dependencies: dependencies).register(on: routes)
    EventTypesController(dependencies: dependencies).register(on: routes)
    DestinationsController(dependencies: dependencies).register(on: routes)
    SubscriptionsController(dependencies: dependencies).register(on: routes)
    DeliveriesController(dependencies: dependencies).register(on: routes)
    operations.registerDocument(on: routes)

    let dispatcher = Dispatcher(storage: storage, sender: sender, settings: settings.dispatcher, now: now, wake: wake, logger: logger)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(settings.idleTimeoutSeconds * 1000)))),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Switchboard"),
        services: [dispatcher],
        onServerRunning: { channel in
            announce("Switchboard listening on http://\(settings.host):\(channel.localAddress?.port ?? settings.port)")
        },
        logger: logger
    )
}
