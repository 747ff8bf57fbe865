import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few management calls the harness needs: a source, a destination pointing at the
/// receiver, a subscription that marks each request, and pausing/releasing the destination.
struct SwitchboardAPI: Sendable {
    let client: HTTPClient
    let baseURL: String
    let adminKey: String

    func createSource() async throws -> (id: String, writeKey: String) {
        let source = try await call("POST", "/v1/sources", ["name": "bench", "type": "segment"])
        guard let id = source["id"] as? String, let writeKey = source["writeKey"] as? String else { throw BenchError("no source in \(source)") }
        return (id, writeKey)
    }

    /// A destination created paused, so a backlog can be queued before it is released.
    func createDestination(url: String) async throws -> String {
        let destination = try await call(
            "POST", "/v1/destinations", ["name": "bench receiver", "url": url, "enabled": false] as [String: Any])
        guard let id = destination["id"] as? String else { throw BenchError("no destination in \(destination)") }
        return id
    }

    /// Every event, the whole event as body, with its messageId in the receiver's marker header.
    func createSubscription(destinationId: String) async throws {
        _ = try await call(
            "POST", "/v1/subscriptions",
            [
                "name": "bench", "destinationId": destinationId, "eventNames": ["*"],
                "mapping": ["headers": [ReceiverHandler.markerHeader: "{{ messageId }}"]],
            ] as [String: Any])
    }

    func setEnabled(destinationId: String, _ enabled: Bool) async throws {
        _ = try await call("PATCH", "/v1/destinations/\(destinationId)", ["enabled": enabled])
    }

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        guard (200..<300).contains(response.status.code) else {
            throw BenchError("\(method) \(path) answered \(response.status.code): \(String(buffer: data))")
        }
        return object
    }
}
