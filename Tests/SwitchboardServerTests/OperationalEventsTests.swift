import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

/// `Delivery Failed` and `Destination Recovered`, emitted in the workspace and routed like any
/// event: a subscription alerts a live receiver.
@Suite struct OperationalEventsTests {
    @Test func failuresAndRecoveriesReachASubscription() async throws {
        try await Receiver.with { alerts, alertsURL in
            try await Receiver.with { flaky, flakyURL in
                // The first request is refused (a client error fails at once); then all succeed.
                flaky.script([Receiver.Reply(status: .badRequest, body: "no")])
                try await DeliveryTests.withDeliveringSwitchboard { client in
                    let writeKey = try await client.makeWriteKey()
                    let (destination, _) = try await DeliveryTests.route(client, to: flakyURL, subscription: ["eventNames": ["Order Completed"]])
                    let destinationId = try #require(destination["id"]?.stringValue)
                    try await DeliveryTests.route(
                        client, to: alertsURL, subscription: ["eventNames": ["Delivery Failed", "Destination Recovered", "Destination Disabled"]])

                    try await DeliveryTests.track(client, writeKey: writeKey, ["userId": "u1", "event": "Order Completed"])
                    let failedAlert = try #require(try await alerts.waitFor(1).first?.json)
                    #expect(failedAlert["event"] == "Delivery Failed")
                    #expect(failedAlert["properties"]?["destinationId"]?.stringValue == destinationId)
                    #expect(failedAlert["properties"]?["destinationName"] == "receiver")
                    #expect(failedAlert["properties"]?["attempts"] == 1)
                    #expect(failedAlert["properties"]?["responseStatus"] == 400)
                    #expect(failedAlert["properties"]?["lastError"] == "the destination answered HTTP 400")
                    let failedDelivery = try #require(
                        try await client.call(.get, "/v1/deliveries?destinationId=\(destinationId)&status=failed").json["data"]?.arrayValue?.first)
                    #expect(failedAlert["properties"]?["deliveryId"] == failedDelivery["id"])

                    // The next delivery succeeds: its first success after failing.
                    try await DeliveryTests.track(client, writeKey: writeKey, ["userId": "u2", "event": "Order Completed"])
                    let recovered = try #require(try await alerts.waitFor(2).last?.json)
                    #expect(recovered["event"] == "Destination Recovered")
                    #expect(recovered["properties"]?["reason"] == "succeeded")
                    #expect(recovered["properties"]?["destinationId"]?.stringValue == destinationId)

                    // Switched off and on again by hand.
                    #expect(try await client.call(.patch, "/v1/destinations/\(destinationId)", json: ["enabled": false]).status == .ok)
                    #expect(try await client.call(.patch, "/v1/destinations/\(destinationId)", json: ["enabled": true]).status == .ok)
                    let enabled = try #require(try await alerts.waitFor(3).last?.json)
                    #expect(enabled["event"] == "Destination Recovered")
                    #expect(enabled["properties"]?["reason"] == "enabled")

                    // The events are in the workspace's log like any other.
                    let names = try await client.events().compactMap { $0["event"]?.stringValue }
                    #expect(names.filter { $0 == "Delivery Failed" }.count == 1)
                    #expect(names.filter { $0 == "Destination Recovered" }.count == 2)
                }
            }
        }
    }

    @Test func failingDestinationsDoNotFeedEachOtherForever() async throws {
        try await Receiver.with { receiver, url in
            // Every request is refused.
            receiver.script([], then: Receiver.Reply(status: .badRequest, body: "no"))
            try await DeliveryTests.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let subscribed: JSONValue = ["Order Completed", "Delivery Failed"]
                try await DeliveryTests.route(client, to: url + "/a", subscription: ["eventNames": subscribed])
                try await DeliveryTests.route(client, to: url + "/b", subscription: ["eventNames": subscribed])
                try await DeliveryTests.track(client, writeKey: writeKey, ["userId": "u1", "event": "Order Completed"])
                // The event to each; each one's Delivery Failed to the other (never to itself); those
                // failures emit nothing more.
                _ = try await receiver.waitFor(4)
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.requests.count == 4)
                #expect(receiver.requests.map(\.uri).sorted() == ["/a", "/a", "/b", "/b"])
                let names = try await client.events().compactMap { $0["event"]?.stringValue }
                #expect(names.filter { $0 == "Delivery Failed" }.count == 2)
            }
        }
    }
}
