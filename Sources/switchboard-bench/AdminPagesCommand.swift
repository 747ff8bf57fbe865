import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// How long every admin page takes with many destinations and deliveries: seeds a SQLite
/// database through the storage's own write paths (events routed to subscriptions, attempts
/// recorded), then times each page as a signed-in browser loads it.
struct AdminPagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-pages",
        abstract: "Response time of every admin panel page with many destinations and deliveries.",
        discussion: """
            Seeds --destinations destinations (one subscription each) and --deliveries deliveries spread evenly
            over the last --days days (90% succeeded, 8% failed, 2% still pending), then loads each page --requests
            times over loopback and prints the median and slowest time per page.
            """
    )

    @Option(help: "Destinations, each with one subscription.")
    var destinations = 10_000

    @Option(help: "Deliveries in all.")
    var deliveries = 1_000_000

    @Option(help: "Destinations each event goes to.")
    var fanOut = 10

    @Option(help: "Days the deliveries are spread over, ending now.")
    var days = 30

    @Option(help: "Loads of each page.")
    var requests = 20

    @Option(help: "The switchboard binary (default: next to this one).")
    var server: String?

    @Option(help: "Seed into this database file (kept); an existing one is reused without seeding.")
    var database: String?

    @Flag(help: "Keep the temporary folder (database, process logs).")
    var keep = false

    func validate() throws {
        guard destinations > 0, deliveries > 0, fanOut > 0, fanOut <= destinations, days > 0, requests > 0 else {
            throw ValidationError("every count must be positive, and --fan-out at most --destinations")
        }
    }

    func run() async throws {
        let benchBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let serverBinary = server ?? URL(fileURLWithPath: benchBinary).deletingLastPathComponent().appendingPathComponent("switchboard").path
        let folder = try BenchRun.makeTemporaryFolder()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var children: [ChildProcess] = []
        StopOnSignal.install()
        defer {
            for child in children.reversed() {
                child.stop()
                StopOnSignal.untrack(child)
            }
            if keep { log("kept \(folder)") } else { try? FileManager.default.removeItem(atPath: folder) }
        }
        let start = { (name: String, path: String, adminKey: String) throws -> ChildProcess in
            let child = try ChildProcess(
                name: name, executable: serverBinary,
                arguments: ["serve", "--port", "0", "--database", path, "--log-level", "warning", "--retention-days", "0"],
                environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], folder: folder)
            children.append(child)
            StopOnSignal.track(child)
            return child
        }
        do {
            let path = database ?? "\(folder)/switchboard.sqlite"
            let adminKey = "sbk_bench_admin_pages_key_0000000000000000"
            let seeded: Seeded
            if FileManager.default.fileExists(atPath: path) {
                log("reusing \(path)")
                seeded = try await Self.sample(path, adminKey: adminKey)
            } else {
                // The first start migrates the database and registers the admin key; it stops before seeding.
                // Retention is off: every seeded delivery stays, however old.
                let first = try start("bootstrap", path, adminKey)
                _ = try await first.awaitOutput(matching: #"listening on http://127\.0\.0\.1:(\d+)"#)
                first.stop()
                seeded = try await seed(path, adminKey: adminKey)
            }
            let server = try start("server", path, adminKey)
            let baseURL = "http://127.0.0.1:" + (try await server.awaitOutput(matching: #"listening on http://127\.0\.0\.1:(\d+)"#))
            try await measure(baseURL: baseURL, adminKey: adminKey, seeded: seeded, client: client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    /// Ids the detail pages are loaded with.
    struct Seeded {
        var destinationId: String
        var subscriptionId: String
        var eventId: String
        var deliveryId: String
        var failedDeliveryId: String
    }

    private func seed(_ path: String, adminKey: String) async throws -> Seeded {
        let storage = try openStorage(path, logger: Logger(label: "bench"))
        guard let key = try await storage.apiKey(hash: Secrets.hash(apiKey: adminKey)) else { throw BenchError("the admin key was not registered") }
        let workspaceId = key.workspaceId
        let ids = IdentifierGenerator()
        let now = Date()
        let began = MonotonicClock.nanoseconds()

        let source = Source(
            id: ids.make(.source), workspaceId: workspaceId, name: "web", type: .segment, verification: nil, eventNamePrefix: nil,
            writeKey: "wk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: ""), createdAt: now, updatedAt: now)
        try await storage.createSource(source)

        // Destination i takes event name "Event (i mod names)": each event goes to `fanOut` destinations.
        let names = destinations / fanOut
        var subscriptionsByName: [[String]] = Array(repeating: [], count: names)
        var destinationIds: [String] = []
        log("seeding \(destinations) destinations and their subscriptions")
        for index in 0..<destinations {
            let created = now.addingTimeInterval(-Double(days) * 86400)
            let destination = Destination(
                id: ids.make(.destination), workspaceId: workspaceId, name: "Webhook \(index)", url: "https://hooks.example.com/members/\(index)",
                headers: ["X-Tenant": "bench"], secret: "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
                enabled: index % 100 != 99, disabledReason: index % 100 == 99 ? "failing since the seed" : nil, createdAt: created, updatedAt: created)
            try await storage.createDestination(destination)
            let subscription = Subscription(
                id: ids.make(.subscription), workspaceId: workspaceId, destinationId: destination.id, name: "to webhook \(index)",
                eventNames: ["Event \(index % names)"], condition: nil, mapping: nil, createdAt: created, updatedAt: created)
            try await storage.createSubscription(subscription)
            subscriptionsByName[index % names].append(subscription.id)
            destinationIds.append(destination.id)
        }
        log(String(format: "  %.1f s", MonotonicClock.seconds(since: began)))

        let events = (deliveries + fanOut - 1) / fanOut
        let span = Double(days) * 86400
        let batch = 500
        log("seeding \(events) events, \(events * fanOut) deliveries over \(days) days")
        var sample: (eventId: String, deliveryId: String, failedId: String)?
        var first = 0
        while first < events {
            let range = first..<min(first + batch, events)
            let receivedAt = now.addingTimeInterval(-span * (1 - Double(range.lowerBound) / Double(events)))
            let routed = range.map { number -> RoutedEvent in
                let name = "Event \(number % names)"
                let event = Event(
                    id: ids.make(.event), workspaceId: workspaceId, sourceId: source.id, type: .track, name: name, messageId: "m-\(number)",
                    userId: "user-\(number % 50_000)", anonymousId: nil, receivedAt: receivedAt,
                    message: [
                        "type": "track", "event": .string(name), "userId": .string("user-\(number % 50_000)"), "messageId": .string("m-\(number)"),
                        "properties": ["orderId": .string("order-\(number)"), "total": .int(Int64(number % 500))],
                    ])
                return RoutedEvent(event: event, subscriptionIds: subscriptionsByName[number % names])
            }
            try await storage.insertEvents(routed)
            // The batch's deliveries are the newest pending ones: settle them as a day of sending would.
            var records: [AttemptRecord] = []
            var cursor: String?
            repeat {
                let page = try await storage.listDeliveries(
                    workspaceId: workspaceId, filter: DeliveryFilter(status: .pending), page: PageRequest(limit: PageRequest.maximumLimit, cursor: cursor))
                for delivery in page.items {
                    let roll = records.count % 50
                    let attemptAt = receivedAt.addingTimeInterval(0.2)
                    // Only the newest batch keeps some pending: each batch lists just its own.
                    let decision: DeliveryDecision =
                        roll == 0 && range.upperBound == events ? .retry(at: now.addingTimeInterval(3600)) : roll < 5 && roll > 0 ? .failed : .succeeded
                    let status = decision == .succeeded ? 200 : 503
                    records.append(
                        AttemptRecord(
                            deliveryId: delivery.id, destinationId: delivery.destinationId,
                            attempt: Attempt(
                                number: 1, at: attemptAt, durationMs: 40 + records.count % 90, responseStatus: status,
                                responseBody: status == 200 ? #"{"ok":true}"# : "Service Unavailable", error: nil),
                            decision: decision))
                }
                cursor = page.nextCursor
            } while cursor != nil
            _ = try await storage.recordAttempts(records, now: receivedAt.addingTimeInterval(0.2), disableAfter: .infinity)
            if sample == nil, let succeeded = records.first(where: { $0.decision == .succeeded }), let failed = records.first(where: { $0.decision == .failed }) {
                sample = (routed[0].event.id, succeeded.deliveryId, failed.deliveryId)
            }
            first = range.upperBound
            if first % 20_000 == 0 { log(String(format: "  %d events, %.0f s", first, MonotonicClock.seconds(since: began))) }
        }
        guard let sample else { throw BenchError("nothing was seeded") }
        log(String(format: "seeded in %.0f s", MonotonicClock.seconds(since: began)))
        return Seeded(
            destinationId: destinationIds[0], subscriptionId: subscriptionsByName[0][0], eventId: sample.eventId, deliveryId: sample.deliveryId,
            failedDeliveryId: sample.failedId)
    }

    /// Ids from a database seeded before.
    private static func sample(_ path: String, adminKey: String) async throws -> Seeded {
        let storage = try openStorage(path, logger: Logger(label: "bench"))
        guard let key = try await storage.apiKey(hash: Secrets.hash(apiKey: adminKey)) else { throw BenchError("the admin key is not in \(path)") }
        let page = PageRequest(limit: 1)
        let workspaceId = key.workspaceId
        guard let destination = try await storage.listDestinations(workspaceId: workspaceId, search: nil, page: page).items.first,
            let subscription = try await storage.listSubscriptions(workspaceId: workspaceId, destinationId: nil, page: page).items.first,
            let delivery = try await storage.listDeliveries(workspaceId: workspaceId, filter: DeliveryFilter(status: .succeeded), page: page).items.first,
            let failed = try await storage.listDeliveries(workspaceId: workspaceId, filter: DeliveryFilter(status: .failed), page: page).items.first
        else { throw BenchError("\(path) holds no seeded data") }
        return Seeded(
            destinationId: destination.id, subscriptionId: subscription.id, eventId: delivery.eventId, deliveryId: delivery.id, failedDeliveryId: failed.id)
    }

    private func measure(baseURL: String, adminKey: String, seeded: Seeded, client: HTTPClient) async throws {
        var signIn = HTTPClientRequest(url: baseURL + "/admin/sign-in")
        signIn.method = .POST
        signIn.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        signIn.body = .bytes(ByteBuffer(string: "key=" + adminKey))
        let signedIn = try await client.execute(signIn, timeout: .seconds(30))
        guard let setCookie = signedIn.headers["Set-Cookie"].first(where: { $0.hasPrefix("switchboard_admin=") }) else {
            throw BenchError("sign in gave no session (status \(signedIn.status.code))")
        }
        let cookie = String(setCookie.prefix { $0 != ";" })

        let pages = [
            "/admin/", "/admin/destinations", "/admin/destinations?search=Webhook%209999", "/admin/destinations?enabled=false",
            "/admin/destinations/\(seeded.destinationId)", "/admin/destinations/\(seeded.destinationId)/edit", "/admin/destinations/new",
            "/admin/activity", "/admin/activity?status=failed", "/admin/activity?destination=\(seeded.destinationId)",
            "/admin/activity?event=Event%207", "/admin/activity/\(seeded.deliveryId)", "/admin/activity/\(seeded.failedDeliveryId)",
            "/admin/events", "/admin/events?name=Event%2042", "/admin/events/\(seeded.eventId)",
            "/admin/subscriptions", "/admin/subscriptions/\(seeded.subscriptionId)", "/admin/subscriptions/new",
            "/admin/sources", "/admin/event-types", "/admin/audiences", "/admin/syncs", "/admin/profiles",
            "/admin/date-triggers", "/admin/connectors", "/admin/keys",
        ]
        print("| page | median ms | slowest ms | bytes |")
        print("|---|---:|---:|---:|")
        var slowest: (page: String, ms: Double) = ("", 0)
        for page in pages {
            var times: [Double] = []
            var bytes = 0
            for _ in 0..<requests {
                var request = HTTPClientRequest(url: baseURL + page)
                request.headers.add(name: "Cookie", value: cookie)
                let started = MonotonicClock.nanoseconds()
                let response = try await client.execute(request, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 1 << 26)
                times.append(MonotonicClock.seconds(since: started) * 1000)
                guard response.status == .ok else { throw BenchError("\(page): status \(response.status.code)") }
                bytes = body.readableBytes
            }
            times.sort()
            let median = times[times.count / 2]
            let worst = times[times.count - 1]
            if median > slowest.ms { slowest = (page, median) }
            print(String(format: "| `%@` | %.1f | %.1f | %d |", page, median, worst, bytes))
        }
        print(String(format: "\nslowest median: %@ at %.1f ms", slowest.page, slowest.ms))
    }
}
