import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// The crash-loop breaker, for every storage backend: a delivery leased again and again with no
/// attempt ever recorded (its send kills the process) is set aside as failed with `crashed`.
@Suite struct CrashLoopContractTests {
    let ids = IdentifierGenerator()
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    /// Longer than any lease these tests take: each lease has expired by the next step.
    let step: TimeInterval = 120

    private func event(_ source: Source, name: String, userId: String) -> Event {
        Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: .track, name: name, messageId: UUID().uuidString,
            userId: userId, anonymousId: nil, receivedAt: start, message: ["event": .string(name), "userId": .string(userId)])
    }

    private func withStorage(_ backend: StorageBackend, _ body: (any Storage) async throws -> Void) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        try await body(storage)
    }

    /// Leases at successive expired-lease times, as nodes that keep dying would.
    private func lease(_ storage: any Storage, round: Int) async throws -> [String] {
        try await storage.leaseDeliveries(now: start.addingTimeInterval(step * Double(round)), leaseSeconds: 15, limit: 10)
            .flatMap { $0.deliveries.map(\.id) }
    }

    @Test(arguments: StorageBackend.allCases)
    func aDeliveryLeasedThreeTimesWithoutAnAttemptIsSetAside(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: start) { $0.ordering = .perUser }
            try await storage.insertEvents([event(source, name: "Poison", userId: "u1")])
            let poisoned = try #require(try await lease(storage, round: 0).first)
            #expect(try await lease(storage, round: 1) == [poisoned])
            #expect(try await lease(storage, round: 2) == [poisoned])
            // The fourth time it is not handed out: it is failed, with the reason in the activity log.
            try await storage.insertEvents([event(source, name: "Next", userId: "u1")])
            let fourth = try await lease(storage, round: 3)
            #expect(!fourth.contains(poisoned))
            let failed = try #require(try await storage.delivery(id: poisoned, workspaceId: source.workspaceId))
            #expect(failed.status == .failed)
            #expect(failed.attempts.map(\.error) == [.crashed])
            #expect(failed.attempts.first?.responseStatus == nil)
            #expect(failed.attempts.first?.responseBody?.contains("leased 3 times") == true)
            // The rest of the queue flows: the same user's next event is no longer held behind it.
            let rest = fourth.isEmpty ? try await lease(storage, round: 4) : fourth
            #expect(rest.count == 1)
            let next = try #require(try await storage.delivery(id: rest[0], workspaceId: source.workspaceId))
            #expect(next.status == .pending)
            // Retryable by hand: pending again and leased as any other delivery.
            #expect(try await storage.retryDelivery(id: poisoned, workspaceId: source.workspaceId, now: start.addingTimeInterval(step * 5))?.status == .pending)
            #expect(try await storage.leaseDeliveries(now: start.addingTimeInterval(step * 5), leaseSeconds: 15, limit: 10).flatMap { $0.deliveries.map(\.id) }
                .contains(poisoned))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func recordedAttemptsAndHandedBackLeasesDoNotCount(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: start)
            try await storage.insertEvents([event(source, name: "Slow", userId: "u1")])
            let id = try #require(try await lease(storage, round: 0).first)
            // A missed rate-limit slot hands the lease back: that is no crash, however often.
            for _ in 0..<5 {
                try await storage.releaseLeases(deliveryIds: [id])
                #expect(try await lease(storage, round: 0) == [id])
            }
            #expect(try await lease(storage, round: 1) == [id])
            // An attempt recorded (a retry) starts the count again.
            let attempt = Attempt(number: 1, at: start, durationMs: 5, responseStatus: 503, responseBody: nil, error: nil)
            try await storage.recordAttempts(
                [AttemptRecord(deliveryId: id, destinationId: destination.id, attempt: attempt, decision: .retry(at: start.addingTimeInterval(step)))],
                now: start.addingTimeInterval(step), disableAfter: 86_400)
            for round in 2...4 { #expect(try await lease(storage, round: round) == [id]) }
            #expect(try await storage.delivery(id: id, workspaceId: source.workspaceId)?.status == .pending)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aLeaseLastsAtLeastTheDestinationsTimeout(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: start) { $0.timeoutMs = 60_000 }
            try await storage.insertEvents([event(source, name: "Slow", userId: "u1")])
            #expect(try await storage.leaseDeliveries(now: start, leaseSeconds: 15, limit: 10).count == 1)
            // A send may take the whole 60 s: no one else may take it over meanwhile.
            #expect(try await storage.leaseDeliveries(now: start.addingTimeInterval(59), leaseSeconds: 15, limit: 10).isEmpty)
            #expect(try await storage.leaseDeliveries(now: start.addingTimeInterval(64), leaseSeconds: 15, limit: 10).count == 1)
        }
    }
}
