import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct RenderedRequestTests {
    /// A header value rendered from event data cannot split the request: CR, LF and NUL are dropped.
    @Test func headerValuesLoseLineBreaks() {
        var request = RenderedRequest(method: "POST", url: "https://example.com/", headers: [], body: [])
        request.setHeader("X-User", "a\r\nX-Injected: 1\0b")
        request.setHeader("X-Plain", "héllo, world")
        request.setHeader("x-plain", "replaced")
        #expect(request.header("X-User") == "aX-Injected: 1b")
        #expect(request.header("X-PLAIN") == "replaced")
        #expect(request.headers.count == 2)
    }

    // MARK: Size limit

    static let at = Date(timeIntervalSince1970: 1_800_000_000)
    static let destination = Destination(
        id: "dst_1", workspaceId: "ws_1", name: "hook", url: "https://hooks.example.com/in", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        createdAt: at, updatedAt: at)
    /// An event whose message is about 100 KB.
    static let event = Event(
        id: "evt_1", workspaceId: "ws_1", sourceId: "src_1", type: .track, name: "Big", messageId: "m1", userId: "u1", anonymousId: nil,
        receivedAt: at, message: ["type": "track", "event": "Big", "userId": "u1", "properties": ["blob": .string(String(repeating: "x", count: 100_000))]])

    private static func subscription(body: JSONValue) throws -> Subscription {
        Subscription(
            id: "sub_1", workspaceId: "ws_1", destinationId: "dst_1", name: "s", eventNames: ["*"], condition: nil,
            mapping: try Mapping(json: ["body": body]), createdAt: at, updatedAt: at)
    }

    static let amplifying: [JSONValue] = [
        // Text: 10,000 copies of the message's JSON in one string, a gigabyte if built.
        ["text": .string(String(repeating: "{{ message }}", count: 10_000))],
        // Typed: the message object 10,000 times; shared in memory until it is written out.
        .array(Array(repeating: "{{ message }}", count: 10_000)),
    ]

    /// Thousands of `{{ message }}` over a large message: refused with the limit's error, having
    /// kept no more than the limit: rendering stopped at the first copy that did not fit.
    @Test(arguments: amplifying)
    func amplifyingBodiesStopAtTheLimit(body: JSONValue) throws {
        let subscription = try Self.subscription(body: body)
        #expect(throws: ValidationError(field: nil, RequestRenderer.tooLargeMessage)) {
            try RequestRenderer.render(event: Self.event, subscription: subscription, destination: Self.destination)
        }
        var budget = RenderBudget(RequestRenderer.maximumRequestBytes)
        let scope = RequestRenderer.templateScope(event: Self.event, destination: Self.destination, profile: nil)
        #expect(throws: RenderBudget.Exceeded.self) { try #require(subscription.mapping?.body).render(scope, budget: &budget) }
        // What was left when it stopped is less than one more copy: about ten were made, not 10,000.
        #expect(budget.remaining >= 0)
        #expect(budget.remaining < 101_000)
    }

    @Test func aRequestUnderTheLimitRendersInFull() throws {
        let subscription = try Self.subscription(body: .array(Array(repeating: "{{ message }}", count: 9)))
        let request = try RequestRenderer.render(event: Self.event, subscription: subscription, destination: Self.destination)
        #expect(request.body.count > 900_000)
        #expect(try JSONCoding.parse(request.body).arrayValue?.count == 9)
    }

    /// The limit holds for the bytes as sent: escapes count, so text that fits raw can still be over.
    @Test func escapesCountTowardTheLimit() throws {
        let quotes = Event(
            id: "evt_2", workspaceId: "ws_1", sourceId: "src_1", type: .track, name: "Q", messageId: "m2", userId: "u1", anonymousId: nil,
            receivedAt: Self.at, message: ["properties": ["q": .string(String(repeating: "\"", count: 600_000))]])
        let subscription = try Self.subscription(body: ["q": "{{ properties.q }}"])
        #expect(throws: ValidationError.self) { try RequestRenderer.render(event: quotes, subscription: subscription, destination: Self.destination) }
        let half = try Self.subscription(body: ["q": "{{ properties.q | size }}"])
        #expect(try RequestRenderer.render(event: quotes, subscription: half, destination: Self.destination).body == Array(#"{"q":600000}"#.utf8))
    }

    /// A batch is one request: its bodies together are held to the limit.
    @Test func aBatchIsHeldToTheLimitAsAWhole() throws {
        var batching = Self.destination
        batching.batching = Destination.Batching(maxSize: 20, maxWaitMs: 1_000)
        let subscription = Subscription(
            id: "sub_1", workspaceId: "ws_1", destinationId: "dst_1", name: "s", eventNames: ["*"], condition: nil, mapping: nil,
            createdAt: Self.at, updatedAt: Self.at)
        let nine = try RequestRenderer.render(events: Array(repeating: Self.event, count: 9), subscription: subscription, destination: batching)
        #expect(try JSONCoding.parse(nine.body).arrayValue?.count == 9)
        #expect(throws: ValidationError.self) {
            try RequestRenderer.render(events: Array(repeating: Self.event, count: 11), subscription: subscription, destination: batching)
        }
    }

    // MARK: Signatures a key may not see

    @Test func withoutTheSecretTheSignatureIsAPlaceholder() throws {
        let request = RenderedRequest(method: "POST", url: "https://hooks.example.com/in", headers: [], body: Array("{}".utf8))
        let hidden = RequestRenderer.signWithoutSecret(request, destination: Self.destination, deliveryId: "msg_1", at: Self.at)
        #expect(hidden.header("webhook-signature") == "v1," + RequestRenderer.hiddenSignature)
        #expect(hidden.header("webhook-id") == "msg_1")
        #expect(hidden.header("webhook-timestamp") == "1800000000")
        var segment = Self.destination
        segment.signing = .segmentHMACSHA1
        #expect(RequestRenderer.signWithoutSecret(request, destination: segment, deliveryId: "msg_1", at: Self.at).header("X-Signature") == RequestRenderer.hiddenSignature)
        var unsigned = Self.destination
        unsigned.signing = .none
        #expect(RequestRenderer.signWithoutSecret(request, destination: unsigned, deliveryId: "msg_1", at: Self.at).header("webhook-signature") == nil)
    }
}
