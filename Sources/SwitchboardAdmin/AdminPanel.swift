import Foundation
import Hummingbird
import NIOCore
import HummingbirdAuth
import SwitchboardAPI
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// The admin panel at `/admin`, on the API's router: the same storage roles and services the
/// API's controllers call, behind a session cookie kept in the database.
public struct AdminPanel: Sendable {
    let storage: any Storage
    let destinations: DestinationService
    let deliveries: DeliveryService
    /// The API's preview: what a subscription would send, nothing sent.
    let subscriptions: SubscriptionService
    let identifiers: IdentifierGenerator
    let now: @Sendable () -> Date
    /// `--public-url`: https makes the cookie `Secure`; its origin is accepted for forms.
    let publicURL: String?
    /// What ingest URLs start with (the public URL, or the address the server listens on).
    let ingestBaseURL: String
    /// Recurring syncs a workspace may have (`--max-recurring-syncs`).
    let maxRecurringSyncs: Int
    let renderer: AdminRenderer

    /// How long a session lasts after signing in.
    static let sessionLifetime: Duration = .seconds(12 * 3600)

    public init(
        storage: any Storage, destinations: DestinationService, deliveries: DeliveryService, subscriptions: SubscriptionService,
        identifiers: IdentifierGenerator,
        now: @escaping @Sendable () -> Date, publicURL: String?, ingestBaseURL: String, maxRecurringSyncs: Int = 30
    ) throws {
        self.maxRecurringSyncs = maxRecurringSyncs
        self.ingestBaseURL = ingestBaseURL
        self.storage = storage
        self.destinations = destinations
        self.deliveries = deliveries
        self.subscriptions = subscriptions
        self.identifiers = identifiers
        self.now = now
        self.publicURL = publicURL
        renderer = try AdminRenderer()
    }

    public func register(on router: Router<SwitchboardRequestContext>) {
        let secure = publicURL?.lowercased().hasPrefix("https://") ?? false
        let admin = router.group("admin", context: AdminRequestContext.self)
            .add(middleware: AdminResponseMiddleware(renderer: renderer))
            .add(middleware: OriginCheckMiddleware(publicOrigin: publicURL.flatMap(OriginCheckMiddleware.origin(of:))))
            .add(
                middleware: SessionMiddleware(
                    storage: DatabasePersistDriver(store: storage, now: now),
                    configuration: .init(
                        sessionCookieParameters: .init(name: "switchboard_admin", path: "/admin", secure: secure, sameSite: .strict),
                        keyPrefix: "admin-session.", defaultSessionExpiration: Self.sessionLifetime)))
        admin.get("assets/admin.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: AdminStylesheet.css)))
        }
        admin.get("assets/admin.js") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: AdminScript.javascript)))
        }
        SignInPages(panel: self).register(on: admin)
        let signedIn = admin.group().add(middleware: AdminSignedInMiddleware(keys: storage))
        SignInPages(panel: self).registerSignOut(on: signedIn)
        DashboardPage(panel: self).register(on: signedIn)
        DestinationPages(panel: self).register(on: signedIn)
        ActivityPages(panel: self).register(on: signedIn)
        EventPages(panel: self).register(on: signedIn)
        SourcePages(panel: self).register(on: signedIn)
        SubscriptionPages(panel: self).register(on: signedIn)
        AudiencePages(panel: self).register(on: signedIn)
        SyncPages(panel: self).register(on: signedIn)
        ProfilePages(panel: self).register(on: signedIn)
        DateTriggerPages(panel: self).register(on: signedIn)
        ConnectorPages(panel: self).register(on: signedIn)
        KeyPages(panel: self).register(on: signedIn)
        EventTypePages(panel: self).register(on: signedIn)
    }
}
