import Benchmark
import Foundation
import SwitchboardCore
import SwitchboardStorage

/// SQLite on a fresh file: storing a batch of 100 events with their deliveries (the ingest
/// transaction), and leasing 100 due deliveries and recording their attempts (the dispatcher's
/// bookkeeping).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3))

    Benchmark("storage: enqueue a batch of 100 events (fan-out 1)") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.storage.insertEvents(fixture.batch()))
        }
    } setup: {
        try await StorageFixture.make()
    }

    // The dispatcher's bookkeeping for 100 deliveries: lease them, then record a 200 for each.
    Benchmark("storage: lease 100 due deliveries and record their attempts", configuration: .init(maxIterations: 400)) { (benchmark: Benchmark, fixture: StorageFixture) in
        let jobs = try await fixture.storage.leaseDeliveries(now: fixture.at, leaseSeconds: 60, limit: 100)
        try await fixture.storage.recordAttempts(fixture.succeeded(jobs), now: fixture.at, disableAfter: 86_400)
        blackHole(jobs)
    } setup: { () async throws -> StorageFixture in
        let fixture = try await StorageFixture.make()
        // More due deliveries than the iterations will take.
        for _ in 0..<420 { try await fixture.storage.insertEvents(fixture.batch()) }
        return fixture
    }
}

/// A workspace with a source and one destination subscribed to every event.
struct StorageFixture: Sendable {
    let storage: SQLiteStorage
    let source: Source
    let ids = IdentifierGenerator()
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func make() async throws -> StorageFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-benchmarks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(path: folder.appendingPathComponent("bench.sqlite").path)
        try await storage.migrate()
        let ids = IdentifierGenerator()
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let workspace = Workspace(id: ids.make(.workspace), name: "w", parentId: nil, createdAt: at)
        try await storage.createWorkspace(workspace)
        let source = Source(
            id: ids.make(.source), workspaceId: workspace.id, name: "s", type: .segment, verification: nil, eventNamePrefix: nil,
            writeKey: Secrets.newWriteKey(), createdAt: at, updatedAt: at)
        try await storage.createSource(source)
        let destination = Destination(
            id: ids.make(.destination), workspaceId: workspace.id, name: "d", url: "https://d.example.com", secret: WebhookSigner.newSecret(),
            createdAt: at, updatedAt: at)
        try await storage.createDestination(destination)
        try await storage.createSubscription(
            Subscription(
                id: ids.make(.subscription), workspaceId: workspace.id, destinationId: destination.id, name: "all", eventNames: ["*"],
                condition: nil, mapping: nil, createdAt: at, updatedAt: at))
        return StorageFixture(storage: storage, source: source)
    }

    func batch() -> [Event] {
        (0..<100).map { index in
            Event(
                id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: .track, name: "Order Completed",
                messageId: UUID().uuidString, userId: "user-\(index % 10)", anonymousId: nil, receivedAt: at,
                message: ["event": "Order Completed", "userId": .string("user-\(index % 10)"), "properties": ["total": 99.5]])
        }
    }

    /// A successful attempt for every delivery leased.
    func succeeded(_ jobs: [DeliveryJob]) -> [AttemptRecord] {
        jobs.flatMap { job in
            job.deliveries.map { delivery in
                AttemptRecord(
                    deliveryId: delivery.id, destinationId: job.destination.id,
                    attempt: Attempt(number: 1, at: at, durationMs: 1, responseStatus: 200, responseBody: "ok", error: nil), decision: .succeeded)
            }
        }
    }
}
