import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
@testable import SwitchboardAPI
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers
import Testing

/// `/readyz` answers within 1 s whatever the database does.
@Suite struct ReadinessTests {
    /// The API alone on `storage`, without migrating or starting anything that needs the database.
    static func withAPI(on storage: any Storage, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let work = WorkSignal(coordination: storage, logger: Logger(label: "test"))
        let sender = WebhookSender(addressGuard: AddressGuard(allowPrivate: true, allowedHosts: nil, allowedNetworks: [], now: Date.init))
        let dependencies = Dependencies(
            storage: storage, ingest: IngestService(eventLog: storage, work: work),
            destinations: DestinationService(destinations: storage, deliveries: storage, sender: sender, work: work, now: Date.init),
            subscriptions: SubscriptionService(destinations: storage, profiles: storage, now: Date.init),
            deliveries: DeliveryService(deliveries: storage, work: work, now: Date.init), identifiers: IdentifierGenerator(), now: Date.init,
            maximumBodyBytes: 1 << 20, publicURL: "http://127.0.0.1")
        try await Application(router: APIRouter.make(dependencies)).test(.router, test)
    }

    /// Asks `/readyz` `count` times, checking each answer; returns the quickest answer's time. The
    /// whole test process can stall for seconds while other suites block its threads (process
    /// tests wait on pipes), which no server can answer through: every answer is checked, and
    /// at least one must come within the bound.
    static func fastestOf(_ count: Int, _ client: any TestClientProtocol, _ check: (APIResponse) -> Void) async throws -> Duration {
        var fastest = Duration.seconds(3600)
        for _ in 0..<count {
            let started = ContinuousClock.now
            let response = try await client.call(.get, "/readyz", key: nil)
            fastest = min(fastest, ContinuousClock.now - started)
            check(response)
        }
        return fastest
    }

    /// A "database" that accepts connections and never says a word: a hung PostgreSQL.
    static func withSilentServer<T>(_ body: (Int) async throws -> T) async throws -> T {
        let server = try RawServer(host: "127.0.0.1") { connection in
            while !connection.isStopped { usleep(10_000) }
        }
        defer { server.stop() }
        return try await body(server.port)
    }

    @Test func aDatabaseThatNeverAnswersGets503WithinASecond() async throws {
        try await Self.withSilentServer { port in
            let storage = try PostgresStorage(url: "postgres://switchboard@127.0.0.1:\(port)/switchboard?sslmode=disable", logger: Logger(label: "test"))
            defer { storage.close() }
            try await Self.withAPI(on: storage) { client in
                let took = try await Self.fastestOf(6, client) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.error.code == "unavailable")
                    #expect(response.json["error"]?["message"]?.stringValue?.contains("database") == true)
                }
                #expect(took < .seconds(2))  // the server gives up at 700 ms; the rest is a loaded test process's own stalls
                // Liveness does not depend on the database.
                #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
            }
        }
    }

    @Test func anUnreachableDatabaseGets503() async throws {
        let refusing = try RefusingPort()
        let storage = try PostgresStorage(url: "postgres://switchboard@127.0.0.1:\(refusing.port)/switchboard?sslmode=disable", logger: Logger(label: "test"))
        defer { storage.close() }
        try await Self.withAPI(on: storage) { client in
            let took = try await Self.fastestOf(6, client) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.error.code == "unavailable")
            }
            #expect(took < .seconds(2))  // the server gives up at 700 ms; the rest is a loaded test process's own stalls
        }
    }

    @Test func readinessComesBackWithTheDatabase() async throws {
        let down = DatabaseDown()
        let probe = ReadinessProbe(timeout: .milliseconds(200)) {
            // Down: the query hangs until the database is back, then it is answered.
            while down.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(await probe.check() == .timedOut)
        // Asked again while the first ping still hangs: it shares that ping, and answers in time too.
        var fastest = Duration.seconds(3600)
        for _ in 0..<4 {
            let started = ContinuousClock.now
            #expect(await probe.check() == .timedOut)
            fastest = min(fastest, ContinuousClock.now - started)
        }
        // It answers on its own 200 ms timeout, never waiting out the hung ping (generous: a loaded machine stalls tasks).
        #expect(fastest < .seconds(3))
        down.value.store(false, ordering: .relaxed)
        #expect(await probe.check() == .ready)
        #expect(await probe.check() == .ready)
    }
}

/// Whether the pretend database is down.
private final class DatabaseDown: Sendable {
    let value = Atomic<Bool>(true)
}
