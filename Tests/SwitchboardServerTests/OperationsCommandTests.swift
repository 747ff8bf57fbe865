import Foundation
import GRDB
import Hummingbird
import NIOHTTP1
import Synchronization
import SwitchboardCore
import SwitchboardStorage
import Testing

/// The operator commands (`backup`, `purge`, `replay`, `send-test`, `export events`, `doctor`),
/// each run as the real binary against the database of a real server process while it runs.
@Suite struct OperationsCommandTests {
    /// A running server on a fresh SQLite file, with a segment source; private destinations allowed.
    struct Running {
        let directory: TemporaryDirectory
        let server: ServerProcess
        let writeKey: String

        static func start() async throws -> Running {
            let directory = try TemporaryDirectory()
            let server = try await ServerProcess(
                database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], arguments: ["--port", "0", "--allow-private-destinations"])
            let source = try await server.create("/v1/sources", ["name": "web", "type": "segment"])
            return Running(directory: directory, server: server, writeKey: try #require(source["writeKey"]?.stringValue))
        }

        func stop() {
            server.kill()
            directory.remove()
        }

        /// Sends track events with these names, one batch; fails the test unless accepted.
        func ingest(_ names: [String]) async throws {
            let batch = names.map { name -> JSONValue in ["type": "track", "userId": "u1", "event": .string(name)] }
            let response = try await server.call(.POST, "/v1/batch", writeKey: writeKey, json: ["batch": .array(batch)])
            #expect(response.status == 200, "\(response.json)")
        }

        /// Runs a command of the binary on this server's database.
        func command(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
            try await CommandResult.run(arguments + ["--database", directory.database], environment: environment)
        }

        func events() async throws -> [JSONValue] {
            try await server.call(.GET, "/v1/events?limit=250").json["data"]?.arrayValue ?? []
        }

        func deliveries(_ query: String = "") async throws -> [JSONValue] {
            try await server.call(.GET, "/v1/deliveries?limit=250" + query).json["data"]?.arrayValue ?? []
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func backupIsAConsistentCopyMadeWhileIngestGoesOn() async throws {
        let running = try await Running.start()
        defer { running.stop() }
        try await running.ingest((0..<500).map { "Seed \($0)" })
        let copy = running.directory.url.appendingPathComponent("copy.sqlite").path
        let stop = Shared(false)
        let ingested = Shared(0)
        // Ingest goes on in the background for the whole backup, a page a step.
        let ingest = Task {
            while !stop.value {
                try await running.ingest((0..<50).map { "During \($0)" })
                ingested.update { $0 += 50 }
            }
        }
        _ = try await eventually(timeout: .seconds(20)) { ingested.value >= 100 ? true : nil }
        let backup = try await running.command(["backup", copy, "--pages-per-step", "1"])
        let duringBackup = ingested.value
        try await Task.sleep(for: .milliseconds(300))
        stop.update { $0 = true }
        try await ingest.value
        #expect(backup.status == 0, "\(backup)")
        #expect(backup.output.contains("Copied") && backup.output.contains(copy))
        #expect(ingested.value > duringBackup, "ingest went on after the backup")
        #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))

        // The copy opens on its own, passes SQLite's integrity check, and holds the seed and what
        // came before the backup began, no more than was ever ingested.
        let database = try DatabaseQueue(path: copy)
        let (integrity, events, deliveriesWithoutEvent) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE event_id NOT IN (SELECT id FROM events)") ?? -1
            )
        }
        try database.close()
        #expect(integrity == ["ok"])
        #expect(events >= 600, "\(events) events")
        #expect(events <= 500 + ingested.value)
        #expect(deliveriesWithoutEvent == 0)
        let storage = try SQLiteStorage(path: copy)
        #expect(try await storage.pendingMigrations().isEmpty)
        storage.close()
    }

    @Test(.timeLimit(.minutes(2)))
    func purgeDeletesOldFinishedWorkAndKeepsPendingWork() async throws {
        let running = try await Running.start()
        defer { running.stop() }
        // A paused destination: the one event it wants waits, pending.
        let destination = try await running.server.create("/v1/destinations", ["name": "paused", "url": "http://127.0.0.1:9/hook", "enabled": false])
        let destinationId = try #require(destination["id"]?.stringValue)
        _ = try await running.server.create("/v1/subscriptions", ["name": "kept", "destinationId": .string(destinationId), "eventNames": ["Kept"]])
        try await running.ingest(["Gone 1", "Gone 2", "Gone 3", "Kept"])
        try await Task.sleep(for: .milliseconds(20))
        let cutoff = Timestamp.format(Date())
        try await Task.sleep(for: .milliseconds(20))
        try await running.ingest(["Recent"])

        let purged = try await running.command(["purge", "--older-than", cutoff])
        #expect(purged.status == 0, "\(purged)")
        #expect(purged.output.contains("Deleted 3 events, 0 deliveries and 0 attempts"), "\(purged.output)")
        #expect(purged.output.contains("kept 1 older events for their pending deliveries"), "\(purged.output)")
        let left = try await running.events().compactMap { $0["event"]?.stringValue }
        #expect(left.sorted() == ["Kept", "Recent"])
        #expect(try await running.deliveries().map { $0["status"]?.stringValue } == ["pending"])

        // A date that is not one is refused before anything is deleted.
        let refused = try await running.command(["purge", "--older-than", "yesterday-ish"])
        #expect(refused.status != 0)
        #expect(try await running.events().count == 2)
    }

    @Test(.timeLimit(.minutes(2)))
    func replayRequeuesFailedDeliveries() async throws {
        try await Receiver.with { receiver, url in
            receiver.script([], then: Receiver.Reply(status: .internalServerError))
            let running = try await Running.start()
            defer { running.stop() }
            let destination = try await running.server.create("/v1/destinations", ["name": "flaky", "url": .string(url + "/hook"), "retrySchedule": []])
            let destinationId = try #require(destination["id"]?.stringValue)
            _ = try await running.server.create("/v1/subscriptions", ["name": "all", "destinationId": .string(destinationId), "eventNames": ["*"]])
            try await running.ingest(["A", "B"])
            _ = try await eventually { try await running.deliveries("&status=failed").count == 2 ? true : nil }

            receiver.script([], then: Receiver.Reply(status: .ok))
            let other = try await running.command(["replay", "--since", "1h", "--destination", "dst_00000000000000000000000000"])
            #expect(other.status != 0)
            let replayed = try await running.command(["replay", "--since", "1h", "--destination", destinationId, "--status", "failed"])
            #expect(replayed.status == 0, "\(replayed)")
            #expect(replayed.output.contains("Re-queued 2 failed deliveries of 1 destinations"), "\(replayed.output)")
            // The running server sends them again, and now they succeed.
            _ = try await eventually(timeout: .seconds(15)) { try await running.deliveries("&status=succeeded").count == 2 ? true : nil }
            #expect(receiver.requests.count == 4)
            let again = try await running.command(["replay", "--since", "1h"])
            #expect(again.output.contains("Re-queued 0 failed deliveries of 1 destinations"), "\(again.output)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func sendTestPrintsTheRequestSentAndTheResponse() async throws {
        try await Receiver.with { receiver, url in
            receiver.script([], then: Receiver.Reply(status: .accepted, body: "thanks"))
            let running = try await Running.start()
            defer { running.stop() }
            let destination = try await running.server.create("/v1/destinations", ["name": "crm", "url": .string(url + "/hook")])
            let destinationId = try #require(destination["id"]?.stringValue)
            let event = running.directory.url.appendingPathComponent("event.json")
            try Data(#"{"type":"track","event":"Order Completed","userId":"u-42","properties":{"total":12}}"#.utf8).write(to: event)

            // The address rules are the server's: without private destinations allowed, refused.
            let refused = try await running.command(["send-test", destinationId, "--event", event.path])
            #expect(refused.status != 0)
            #expect(receiver.requests.isEmpty)

            let allowed = ["SWITCHBOARD_ALLOW_PRIVATE_DESTINATIONS": "true"]
            let sent = try await running.command(["send-test", destinationId, "--event", event.path], environment: allowed)
            #expect(sent.status == 0, "\(sent)")
            #expect(sent.output.contains("> POST \(url)/hook"))
            #expect(sent.output.contains("> webhook-signature: v1,"))
            #expect(sent.output.contains(#""event":"Order Completed""#))
            #expect(sent.output.contains("< 202"))
            #expect(sent.output.contains("thanks"))
            let received = try await receiver.waitFor(1)
            #expect(received.first?.json?["userId"] == "u-42")

            let missing = try await running.command(["send-test", "dst_00000000000000000000000000"], environment: allowed)
            #expect(missing.status != 0)
            #expect(missing.output.contains("no destination"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func exportWritesEveryEventAsJSONLinesOldestFirst() async throws {
        let running = try await Running.start()
        defer { running.stop() }
        try await running.ingest(["First", "Second", "Third"])
        try await running.ingest(["Fourth", "Fifth"])
        let exported = try await running.command(["export", "events", "--since", "1h", "--format", "jsonl", "--page-size", "2"])
        #expect(exported.status == 0, "\(exported)")
        let lines = exported.stdout.split(separator: "\n").map { try? JSONCoding.parse(Array($0.utf8), maximumDepth: .max) }
        #expect(lines.map { $0?["event"]?.stringValue } == ["First", "Second", "Third", "Fourth", "Fifth"])
        let stored = try await running.events()
        #expect(Set(lines.compactMap { $0?["id"]?.stringValue }) == Set(stored.compactMap { $0["id"]?.stringValue }))
        #expect(lines.allSatisfy { $0?["workspaceId"]?.stringValue?.hasPrefix("ws_") == true && $0?["receivedAt"] != nil })

        let none = try await running.command(["export", "events", "--since", "2999-01-01"])
        #expect(none.status == 0 && none.stdout.isEmpty)
        #expect(try await running.command(["export", "events", "--since", "1h", "--format", "csv"]).status != 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func doctorSaysWhatItFoundAndFailsOnAProblem() async throws {
        let running = try await Running.start()
        defer { running.stop() }
        let healthy = try await running.command(["doctor"])
        #expect(healthy.status == 0, "\(healthy)")
        #expect(healthy.output.contains("ok      database: SQLite"))
        #expect(healthy.output.contains("ok      migrations: all applied"))
        #expect(healthy.output.contains("retention 30 days"))
        #expect(healthy.output.contains("No problems found."))

        let badSettings = try await running.command(["doctor"], environment: ["SWITCHBOARD_RETENTION_DAYS": "-3"])
        #expect(badSettings.status != 0)
        #expect(badSettings.output.contains("PROBLEM settings: retentionDays"), "\(badSettings.output)")

        let missing = try await CommandResult.run(["doctor", "--database", running.directory.url.appendingPathComponent("none.sqlite").path])
        #expect(missing.status != 0)
        #expect(missing.output.contains("PROBLEM database: no SQLite file"))

        // A database from before this build's migrations: pending, and named.
        let empty = running.directory.url.appendingPathComponent("empty.sqlite").path
        try await DatabaseQueue(path: empty).write { db in try db.execute(sql: "CREATE TABLE unrelated (x INTEGER)") }
        let unmigrated = try await CommandResult.run(["doctor", "--database", empty])
        #expect(unmigrated.status != 0)
        #expect(unmigrated.output.contains("PROBLEM migrations:") && unmigrated.output.contains("10-retention"), "\(unmigrated.output)")
    }

    @Test func backupOfPostgresPointsToPgDump() async throws {
        let result = try await CommandResult.run(["backup", "/tmp/never-written.dump", "--database", "postgres://user:secret@127.0.0.1:1/db"])
        #expect(result.status != 0)
        #expect(result.output.contains("pg_dump"))
        #expect(!result.output.contains("secret"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.dump"))
    }

    @Test func aRetentionOutOfRangeStopsTheStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await CommandResult.run(["serve", "--port", "0", "--database", directory.database, "--retention-days=-1"])
        #expect(result.status != 0)
        #expect(result.output.contains("retentionDays"))
    }
}

/// What a short command of the binary printed, and how it ended.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Both streams, as a person at a terminal would read them.
    var output: String { stdout + stderr }
    var description: String { "exit \(status): \(output)" }

    /// Runs the binary to its end, with only the given SWITCHBOARD_* variables.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        let result = try await SpawnedProcess.run(ServerProcess.binary.path, arguments, environment: ServerProcess.environment(environment))
        return CommandResult(status: result.ending.status, stdout: result.output, stderr: result.errors)
    }
}

/// A value tasks and threads share.
final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>
    init(_ value: Value) { state = Mutex(value) }
    var value: Value { state.withLock { $0 } }
    func update(_ change: (inout Value) -> Void) { state.withLock { change(&$0) } }
}
