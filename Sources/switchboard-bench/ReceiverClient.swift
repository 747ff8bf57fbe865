import AsyncHTTPClient
import Foundation
import NIOCore

/// The harness's side of the receiver's `/_bench/` queries.
struct ReceiverClient: Sendable {
    struct Stats: Decodable {
        var count: Int
        var firstNs: UInt64
        var lastNs: UInt64
        var marked: Int
    }

    let client: HTTPClient
    let baseURL: String

    var webhookURL: String { baseURL + "/hook" }

    func stats() async throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(try await get("/_bench/stats").utf8))
    }

    /// Forgets every count and time, so the next phase is measured alone.
    func reset() async throws {
        _ = try await get("/_bench/reset")
    }

    /// Receipt time of each marked request, by marker.
    func marked() async throws -> [String: UInt64] {
        var receipts: [String: UInt64] = [:]
        for line in try await get("/_bench/marked").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let nanoseconds = UInt64(parts[1]) { receipts[String(parts[0])] = nanoseconds }
        }
        return receipts
    }

    /// Waits until the receiver has counted `count` webhooks since the reset; returns the last stats.
    func waitForCount(_ count: Int, timeout: Duration) async throws -> Stats {
        let deadline = ContinuousClock.now + timeout
        var latest = try await stats()
        while latest.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            latest = try await stats()
        }
        return latest
    }

    private func get(_ path: String) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 256 << 20))
    }
}
