import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers
import Testing

/// The background retention service, with the clock moved instead of waited for.
@Suite struct RetentionServiceTests {
    @Test func eventsGoOnlyOnceTheyAreOlderThanTheRetentionPeriod() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.database)
        defer { storage.close() }
        try await storage.migrate()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = Shared(start)
        let workspace = Workspace(id: IdentifierGenerator().make(.workspace), name: "w", parentId: nil, createdAt: start)
        try await storage.createWorkspace(workspace)
        let ids = IdentifierGenerator()
        let events = (0..<25).map { index in
            Event(
                id: ids.make(.event), workspaceId: workspace.id, sourceId: "src_x", type: .track, name: "Tick", messageId: "m\(index)", userId: "u",
                anonymousId: nil, receivedAt: start.addingTimeInterval(Double(index)), message: ["event": "Tick"])
        }
        try await storage.insertEvents(events)

        var settings = RetentionService.Settings()
        settings.days = 30
        settings.batchSize = 10
        settings.pause = .zero
        let service = RetentionService(storage: storage, coordination: storage, settings: settings, now: { clock.value }, logger: Logger(label: "test"))
        clock.update { $0 = start.addingTimeInterval(29 * 86_400) }
        #expect(try await service.step() == PurgeCounts())
        // Thirty days and twelve seconds on: the first twelve events are past the period.
        clock.update { $0 = start.addingTimeInterval(30 * 86_400 + 12) }
        #expect(try await service.step() == PurgeCounts(events: 12))
        clock.update { $0 = start.addingTimeInterval(60 * 86_400) }
        #expect(try await service.step() == PurgeCounts(events: 13))
        #expect(try await storage.listEvents(workspaceId: workspace.id, filter: EventFilter(), page: PageRequest()).items.isEmpty)

        // Zero days keeps everything.
        settings.days = 0
        try await storage.insertEvents([Event(
            id: ids.make(.event), workspaceId: workspace.id, sourceId: "src_x", type: .track, name: "Tick", messageId: "late", userId: "u",
            anonymousId: nil, receivedAt: start, message: ["event": "Tick"])])
        let keeper = RetentionService(storage: storage, coordination: storage, settings: settings, now: { clock.value }, logger: Logger(label: "test"))
        #expect(try await keeper.step() == PurgeCounts())
    }
}
