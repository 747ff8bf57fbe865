import Foundation
import NIOHTTP1
import SwitchboardCore
import Testing

/// A date trigger fires once for a (profile, date), whatever the restarts: killed and started
/// again on the same database, the server does not send it a second time.
@Suite struct DateTriggerProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func aDateTriggerFiresOnceAcrossARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = TestDatabase.serverDatabase ?? directory.database
        func start() async throws -> ServerProcess {
            try await ServerProcess(database: database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], arguments: ["--port", "0"])
        }
        func fired(_ server: ServerProcess) async throws -> [JSONValue] {
            try await server.call(.GET, "/v1/events?name=PointsWillExpire").json["data"]?.arrayValue ?? []
        }
        let first = try await start()
        defer { first.kill() }
        let writeKey = try #require(try await first.create("/v1/sources", ["name": "loyalty", "type": "segment"])["writeKey"]?.stringValue)
        // Due at 00:00 UTC three days before a date three days ahead: due already, date still ahead.
        _ = try await first.create(
            "/v1/date-triggers", ["name": "points", "field": "points_expire_at", "daysBefore": 3, "eventName": "PointsWillExpire", "atTime": "00:00"])
        let date = Timestamp.format(Date().addingTimeInterval(3 * 86_400))
        let identify: JSONValue = ["userId": "member-1", "traits": ["points_expire_at": .string(date)]]
        #expect(try await first.call(.POST, "/v1/identify", writeKey: writeKey, json: identify).status == 200)
        let events = try await eventually(timeout: .seconds(20)) { try await fired(first).nonEmpty }
        #expect(events.map { $0["properties"]?["date"] } == [.string(date)])
        first.kill()

        let second = try await start()
        defer { second.kill() }
        // The same date again, and time for the scheduler to look several times.
        #expect(try await second.call(.POST, "/v1/identify", writeKey: writeKey, json: identify).status == 200)
        try await Task.sleep(for: .seconds(3))
        #expect(try await fired(second).count == 1)
    }
}

extension Array {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
