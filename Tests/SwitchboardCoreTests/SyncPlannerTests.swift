import Foundation
import SwitchboardCore
import Testing

@Suite struct SyncPlannerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The field a refusal names; "(not a validation error)" for any other error.
    private func field(_ make: () throws -> Void) -> String? {
        do {
            try make()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            return "(not a validation error)"
        }
    }

    // MARK: Fields

    @Test func createDefaults() throws {
        let fields = try SyncFields(create: ["audienceId": "aud_1", "destinationId": "dst_1"])
        #expect(fields.intervalSeconds == nil)
        #expect(fields.mode == .diff)
        #expect(fields.batchSize == AudienceSync.defaultBatchSize)
        #expect(fields.mapping == nil)
        #expect(fields.enabled)
        let sync = AudienceSync(id: "syn_1", workspaceId: "ws_1", fields: fields, now: now)
        #expect(
            sync.document == [
                "id": "syn_1", "audienceId": "aud_1", "destinationId": "dst_1", "intervalSeconds": .null, "mode": "diff", "batchSize": 1000,
                "mapping": .null, "enabled": true, "createdAt": .string(Timestamp.format(now)), "updatedAt": .string(Timestamp.format(now)),
                "connector": .null,
            ])
        let full = try SyncFields(create: [
            "audienceId": "aud_1", "destinationId": "dst_1", "intervalSeconds": 60, "mode": "full", "batchSize": 10_000, "enabled": false,
        ])
        #expect(full.intervalSeconds == 60)
        #expect(full.mode == .full)
        #expect(full.batchSize == 10_000)
        #expect(!full.enabled)
        #expect(try SyncFields(create: ["audienceId": "a", "destinationId": "d", "intervalSeconds": .null]).intervalSeconds == nil)
    }

    @Test func createRefusalsNameTheField() {
        func create(_ extra: [String: JSONValue]) -> String? {
            var body: [String: JSONValue] = ["audienceId": "aud_1", "destinationId": "dst_1"]
            body.merge(extra) { _, new in new }
            return field { _ = try SyncFields(create: .object(body)) }
        }
        #expect(create(["mode": "sometimes"]) == "mode")
        #expect(create(["intervalSeconds": 59]) == "intervalSeconds")
        #expect(create(["intervalSeconds": 31_536_001]) == "intervalSeconds")
        #expect(create(["intervalSeconds": 60.5]) == "intervalSeconds")
        #expect(create(["intervalSeconds": "60"]) == "intervalSeconds")
        #expect(create(["intervalSeconds": 31_536_000]) == nil)
        #expect(create(["batchSize": 0]) == "batchSize")
        #expect(create(["batchSize": 10_001]) == "batchSize")
        #expect(create(["batchSize": -1]) == "batchSize")
        #expect(create(["enabled": 1]) == "enabled")
        #expect(create(["audienceId": .null]) == "audienceId")
        #expect(create(["destinationId": 5]) == "destinationId")
        #expect(create(["mapping": "text"]) == "mapping")
        #expect(create(["mapping": ["method": "DELETE"]]) == "mapping.method")
        // A bad template in a body-only mapping is named where the user wrote it.
        #expect(create(["mapping": ["cohort_id": "{{ x"]]) == "mapping.cohort_id")
        do {
            _ = try SyncFields(create: ["audienceId": "a", "destinationId": "d", "intervalSeconds": 59])
            Issue.record("interval 59 was accepted")
        } catch {
            #expect(error.message.contains("60"))
        }
    }

    @Test func patchKeepsAbsentFieldsAndNullClears() throws {
        let mapping: JSONValue = ["body": ["ids": "{{ added }}"]]
        let current = AudienceSync(
            id: "syn_1", workspaceId: "ws_1",
            fields: try SyncFields(create: ["audienceId": "aud_1", "destinationId": "dst_1", "intervalSeconds": 3600, "mapping": mapping]), now: now)
        let same = try SyncFields(patch: [:], current: current).applied(to: current, now: now)
        #expect(same == current)
        let changed = try SyncFields(patch: ["intervalSeconds": .null, "mapping": .null, "mode": "full", "batchSize": 5], current: current)
            .applied(to: current, now: now.addingTimeInterval(1))
        #expect(changed.intervalSeconds == nil)
        #expect(changed.mapping == nil)
        #expect(changed.mode == .full)
        #expect(changed.batchSize == 5)
        #expect(changed.audienceId == "aud_1")
        #expect(changed.updatedAt == now.addingTimeInterval(1))
        #expect(field { _ = try SyncFields(patch: ["intervalSeconds": 59], current: current) } == "intervalSeconds")
        #expect(field { _ = try SyncFields(patch: ["mode": "x"], current: current) } == "mode")
        #expect(field { _ = try SyncFields(patch: ["batchSize": 0], current: current) } == "batchSize")
    }

    @Test func aBodyOnlyMappingKeepsWhatTheUserWrote() throws {
        let braze: JSONValue = ["cohort_id": "c1", "cohort_changes": [["user_ids": "{{ added }}"]]]
        let fields = try SyncFields(create: ["audienceId": "a", "destinationId": "d", "mapping": braze])
        let mapping = try #require(fields.mapping)
        #expect(mapping.json == braze)
        #expect(mapping.body != nil)
        #expect(mapping.url == nil)
        #expect(AudienceSync(id: "syn_1", workspaceId: "ws_1", fields: fields, now: now).document["mapping"] == braze)
        // A full mapping stays one.
        let full: JSONValue = ["url": "https://example.com/{{ sync.id }}", "body": ["x": 1]]
        let parsed = try #require(try SyncFields(create: ["audienceId": "a", "destinationId": "d", "mapping": full]).mapping)
        #expect(parsed.json == full)
        #expect(parsed.url != nil)
        // Storage reads the same back.
        #expect(try AudienceSync.mapping(braze, validating: false) == mapping)
    }

    // MARK: Changes

    @Test func diffChangesAreSortedSetDifferences() {
        let changes = SyncPlanner.changes(mode: .diff, members: ["u3", "u1", "u2"], lastSynced: ["u2", "u9", "u0"])
        #expect(changes == SyncChanges(added: ["u1", "u3"], removed: ["u0", "u9"], members: []))
        #expect(SyncPlanner.changes(mode: .diff, members: ["a"], lastSynced: ["a"]) == SyncChanges(added: [], removed: [], members: []))
    }

    @Test func fullChangesCarryEveryMember() {
        let changes = SyncPlanner.changes(mode: .full, members: ["u3", "u1", "u2"], lastSynced: ["u2", "u9"])
        #expect(changes == SyncChanges(added: ["u1", "u3"], removed: ["u9"], members: ["u1", "u2", "u3"]))
        #expect(SyncPlanner.changes(mode: .full, members: [], lastSynced: ["x"]) == SyncChanges(added: [], removed: ["x"], members: []))
    }

    // MARK: Batches

    @Test func diffBatchesFillAcrossAddedAndRemoved() {
        let changes = SyncChanges(added: ["a1", "a2", "a3"], removed: ["r1", "r2"], members: [])
        #expect(
            SyncPlanner.batches(changes, mode: .diff, batchSize: 2) == [
                SyncBatch(added: ["a1", "a2"]), SyncBatch(added: ["a3"], removed: ["r1"]), SyncBatch(removed: ["r2"]),
            ])
        #expect(SyncPlanner.batches(changes, mode: .diff, batchSize: 5) == [SyncBatch(added: ["a1", "a2", "a3"], removed: ["r1", "r2"])])
        #expect(SyncPlanner.batches(changes, mode: .diff, batchSize: 3) == [SyncBatch(added: ["a1", "a2", "a3"]), SyncBatch(removed: ["r1", "r2"])])
        #expect(SyncPlanner.batches(changes, mode: .diff, batchSize: 1).count == 5)
        #expect(SyncPlanner.batches(SyncChanges(added: [], removed: ["r1", "r2", "r3"], members: []), mode: .diff, batchSize: 2) == [
            SyncBatch(removed: ["r1", "r2"]), SyncBatch(removed: ["r3"]),
        ])
        // Nothing changed: nothing to send.
        #expect(SyncPlanner.batches(SyncChanges(added: [], removed: [], members: []), mode: .diff, batchSize: 10).isEmpty)
        // A size below 1 cannot loop forever.
        #expect(SyncPlanner.batches(changes, mode: .diff, batchSize: 0).count == 5)
    }

    @Test func diffBatchesAtScaleKeepEveryIdOnce() {
        let added = (0..<2_500).map { "a\($0)" }
        let removed = (0..<1_000).map { "r\($0)" }
        let batches = SyncPlanner.batches(SyncChanges(added: added, removed: removed, members: []), mode: .diff, batchSize: 1_000)
        #expect(batches.map { $0.added.count + $0.removed.count } == [1_000, 1_000, 1_000, 500])
        #expect(batches.flatMap(\.added) == added)
        #expect(batches.flatMap(\.removed) == removed)
        #expect(batches[2].added.count == 500 && batches[2].removed.count == 500)
    }

    @Test func fullBatchesChunkMembersAndAnEmptyAudienceStillSends() {
        let members = (1...5).map { "u\($0)" }
        let batches = SyncPlanner.batches(SyncChanges(added: ["u5"], removed: ["u9"], members: members), mode: .full, batchSize: 2)
        #expect(batches.map(\.members) == [["u1", "u2"], ["u3", "u4"], ["u5"]])
        #expect(batches.allSatisfy { $0.added.isEmpty && $0.removed.isEmpty && $0.mode == .full })
        #expect(SyncPlanner.batches(SyncChanges(added: [], removed: [], members: members), mode: .full, batchSize: 5).count == 1)
        #expect(SyncPlanner.batches(SyncChanges(added: [], removed: ["u1"], members: []), mode: .full, batchSize: 5) == [SyncBatch(mode: .full)])
    }

    // MARK: Messages

    @Test func messageRootsForADiffBatch() {
        let message = SyncPlanner.message(
            batch: SyncBatch(added: ["u1"], removed: ["u2"]), audience: (key: "vip", name: "VIPs"), syncId: "syn_1", runId: "run_1", batchIndex: 0,
            batchCount: 2)
        #expect(
            message == [
                "type": "track", "event": "Audience Synced", "added": ["u1"], "removed": ["u2"], "audience": ["key": "vip", "name": "VIPs"],
                "sync": ["id": "syn_1", "runId": "run_1", "batch": 0, "batches": 2],
            ])
    }

    @Test func messageForAFullBatchShowsMembersEvenEmpty() {
        let audience = (key: "vip", name: "VIPs")
        let full = SyncPlanner.message(batch: SyncBatch(members: ["u1", "u2"], mode: .full), audience: audience, syncId: "s", runId: "r", batchIndex: 1, batchCount: 3)
        #expect(full["members"] == ["u1", "u2"])
        #expect(full["added"] == [])
        #expect(full["removed"] == [])
        let empty = SyncPlanner.message(batch: SyncBatch(mode: .full), audience: audience, syncId: "s", runId: "r", batchIndex: 0, batchCount: 1)
        #expect(empty["members"] == [])
    }

    /// Braze's cohort endpoint, mapped as its body alone, renders from a batch message through
    /// the same renderer deliveries use.
    @Test func brazeCohortBodyRendersFromABatch() throws {
        let braze: JSONValue = [
            "cohort_id": "c1",
            "cohort_changes": [["user_ids": "{{ added }}"], ["user_ids": "{{ removed }}", "should_remove": true]],
        ]
        let fields = try SyncFields(create: [
            "audienceId": "aud_1", "destinationId": "dst_1", "mapping": ["url": "https://rest.example.braze.com/partners/cohorts/users", "body": braze],
        ])
        let bodyOnly = try SyncFields(create: ["audienceId": "aud_1", "destinationId": "dst_1", "mapping": braze])
        let changes = SyncPlanner.changes(mode: .diff, members: ["u1", "u3"], lastSynced: ["u2", "u3"])
        let batches = SyncPlanner.batches(changes, mode: .diff, batchSize: 100)
        #expect(batches.count == 1)
        let message = SyncPlanner.message(
            batch: batches[0], audience: (key: "vip", name: "VIPs"), syncId: "syn_1", runId: "run_1", batchIndex: 0, batchCount: batches.count)
        let event = Event(
            id: "evt_1", workspaceId: "ws_1", sourceId: SystemEvents.sourceId, type: .track, name: SyncPlanner.eventName, messageId: "m1", userId: nil,
            anonymousId: nil, receivedAt: now, message: message)
        let destination = Destination(
            id: "dst_1", workspaceId: "ws_1", name: "Braze", url: "https://rest.example.braze.com/x", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            createdAt: now, updatedAt: now)
        let expected = try JSONCoding.parse(Array(#"{"cohort_id":"c1","cohort_changes":[{"user_ids":["u1"]},{"user_ids":["u2"],"should_remove":true}]}"#.utf8))
        for mapping in [fields.mapping, bodyOnly.mapping] {
            let subscription = Subscription(
                id: "syn_1", workspaceId: "ws_1", destinationId: "dst_1", name: "sync", eventNames: ["*"], condition: nil, mapping: mapping,
                createdAt: now, updatedAt: now)
            let request = try RequestRenderer.render(event: event, subscription: subscription, destination: destination)
            #expect(try JSONCoding.parse(request.body) == expected)
        }
    }

    @Test func runDocument() {
        var run = SyncRun(id: "run_1", syncId: "syn_1", workspaceId: "ws_1", startedAt: now)
        #expect(
            run.document == [
                "id": "run_1", "startedAt": .string(Timestamp.format(now)), "finishedAt": .null, "status": "running", "added": 0, "removed": 0,
                "requests": 0, "error": .null,
            ])
        run.finishedAt = now.addingTimeInterval(2)
        run.status = .failed
        run.added = 3
        run.removed = 1
        run.requests = 2
        run.error = "HTTP 500"
        #expect(run.document["finishedAt"] == .string(Timestamp.format(now.addingTimeInterval(2))))
        #expect(run.document["status"] == "failed")
        #expect(run.document["error"] == "HTTP 500")
        #expect(run.document["added"] == 3)
    }
}
