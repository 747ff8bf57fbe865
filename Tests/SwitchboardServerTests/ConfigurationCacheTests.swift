import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

/// A server keeps write keys and routes in memory (SQLite): every change through the API is seen
/// by the very next request, cascading deletes included.
@Suite struct ConfigurationCacheTests {
    static func track(_ client: any TestClientProtocol, _ writeKey: String, _ event: String = "Order Completed") async throws -> HTTPResponse.Status {
        try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": .string(event)], headers: basicAuth(writeKey)).status
    }

    static func deliveries(_ client: any TestClientProtocol, _ destinationId: String) async throws -> Int {
        try await client.call(.get, "/v1/deliveries?destinationId=\(destinationId)&limit=250").json["data"]?.arrayValue?.count ?? -1
    }

    @Test func aDeletedSourceIsRefusedAtOnce() async throws {
        try await withSwitchboard { client in
            let source = try await client.create("/v1/sources", ["name": "web", "type": "segment"])
            let writeKey = try #require(source["writeKey"]?.stringValue)
            #expect(try await Self.track(client, writeKey) == .ok)
            #expect(try await Self.track(client, writeKey) == .ok)
            #expect(try await client.call(.delete, "/v1/sources/\(source["id"]?.stringValue ?? "")").status == .noContent)
            #expect(try await Self.track(client, writeKey) == .unauthorized)
        }
    }

    @Test func routesFollowEverySubscriptionChangeAndCascadingDeletes() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let destination = try await client.create("/v1/destinations", ["name": "hook", "url": "http://127.0.0.1:9/in"])
            let destinationId = try #require(destination["id"]?.stringValue)
            _ = try await client.call(.patch, "/v1/destinations/\(destinationId)", json: ["enabled": false])
            #expect(try await Self.track(client, writeKey) == .ok)  // routes nowhere, and that is remembered
            #expect(try await Self.deliveries(client, destinationId) == 0)

            let subscription = try await client.create(
                "/v1/subscriptions", ["name": "orders", "destinationId": .string(destinationId), "eventNames": ["Order Completed"]])
            let subscriptionId = try #require(subscription["id"]?.stringValue)
            #expect(try await Self.track(client, writeKey) == .ok)
            #expect(try await Self.deliveries(client, destinationId) == 1)

            _ = try await client.call(.patch, "/v1/subscriptions/\(subscriptionId)", json: ["eventNames": ["Order Refunded"]])
            #expect(try await Self.track(client, writeKey) == .ok)
            #expect(try await Self.deliveries(client, destinationId) == 1)
            #expect(try await Self.track(client, writeKey, "Order Refunded") == .ok)
            #expect(try await Self.deliveries(client, destinationId) == 2)

            // Deleting the destination deletes its subscriptions by a cascade (ConfigurationCacheContractTests
            // shows routing sees that); nothing more is queued for it.
            #expect(try await client.call(.delete, "/v1/destinations/\(destinationId)").status == .noContent)
            #expect(try await Self.track(client, writeKey, "Order Refunded") == .ok)
            #expect(try await client.call(.get, "/v1/events?name=Order%20Refunded").json["data"]?.arrayValue?.count == 2)
            #expect(try await client.call(.get, "/v1/deliveries?limit=250").json["data"]?.arrayValue?.count == 0)
        }
    }
}
