import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardStorage
import Synchronization
import Testing

/// Events acknowledged before the process is killed with SIGKILL are in the database after.
@Suite struct DurabilityTests {
    @Test(.timeLimit(.minutes(5)))
    func acknowledgedEventsSurviveKill9() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess(database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey])
        defer { server.kill() }
        let base = "http://127.0.0.1:\(server.port)"
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        var create = HTTPClientRequest(url: base + "/v1/sources")
        create.method = .POST
        create.headers = ["Authorization": "Bearer \(adminKey)", "Content-Type": "application/json"]
        create.body = .bytes(ByteBuffer(string: #"{"name":"web","type":"segment"}"#))
        let created = try await http.execute(create, timeout: .seconds(10))
        let source = try JSONCoding.parse(Array(try await created.body.collect(upTo: 1 << 20).readableBytesView))
        let writeKey = try #require(source["writeKey"]?.stringValue)
        let sourceId = try #require(source["id"]?.stringValue)
        let workspaceKeyHeader = "Basic " + Data("\(writeKey):".utf8).base64EncodedString()

        // Eight clients send batches of 50 until the server dies; each remembers what was acknowledged.
        let acknowledged = Acknowledged()
        let killAfter = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for batchNumber in 0..<1000 {
                        let ids = (0..<50).map { "c\(client)-b\(batchNumber)-\($0)" }
                        let messages = ids.map { id -> JSONValue in ["type": "track", "userId": .string("u\(client)"), "event": "Tick", "messageId": .string(id)] }
                        var request = HTTPClientRequest(url: base + "/v1/batch")
                        request.method = .POST
                        request.headers = ["Authorization": workspaceKeyHeader, "Content-Type": "application/json"]
                        request.body = .bytes(ByteBuffer(bytes: JSONCoding.data(["batch": .array(messages)])))
                        guard let response = try? await http.execute(request, timeout: .seconds(10)), response.status == .ok else { return }
                        let total = acknowledged.add(ids) / 50
                        if total == killAfter { server.kill() }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await http.shutdown()
        server.kill()

        let acknowledgedIds = acknowledged.ids
        #expect(acknowledgedIds.count >= killAfter * 50)
        let storage = try SQLiteStorage(path: directory.database)
        var stored = Set<String>()
        let workspace = try #require(try await storage.source(writeKey: writeKey)?.workspaceId)
        var page = PageRequest(limit: PageRequest.maximumLimit)
        repeat {
            let events = try await storage.listEvents(workspaceId: workspace, filter: EventFilter(sourceId: sourceId), page: page)
            stored.formUnion(events.items.map(\.messageId))
            page.cursor = events.nextCursor
        } while page.cursor != nil
        let lost = acknowledgedIds.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) acknowledged events were lost")
    }
}

/// Message ids the server acknowledged, shared by the sending tasks.
private final class Acknowledged: Sendable {
    private let list = Mutex<[String]>([])

    /// Adds ids and returns how many there are now.
    func add(_ ids: [String]) -> Int {
        list.withLock { list in
            list.append(contentsOf: ids)
            return list.count
        }
    }

    var ids: [String] { list.withLock { $0 } }
}
