import Foundation
import SwitchboardCore
import Testing

@Suite struct SegmentMessageTests {
    let receivedAt = Timestamp.parse("2026-11-23T12:00:00.000Z")!
    let source = Source(
        id: "src_1", workspaceId: "ws_1", name: "web", type: .segment, verification: nil, eventNamePrefix: nil,
        writeKey: "wk", createdAt: .distantPast, updatedAt: .distantPast)

    private func normalizer(prefix: String? = nil) -> SegmentMessageNormalizer {
        var source = source
        source.eventNamePrefix = prefix
        return SegmentMessageNormalizer(source: source, receivedAt: receivedAt, identifiers: IdentifierGenerator())
    }

    @Test func correctsClientClockSkewFromSentAt() throws {
        // The client clock is 1 hour fast: sentAt says 13:00 when the server receives at 12:00.
        let event = try normalizer().event(
            from: ["userId": "u1", "event": "Order Completed", "timestamp": "2026-11-23T12:59:50Z", "sentAt": "2026-11-23T13:00:00Z"],
            type: .track)
        #expect(event.message["timestamp"] == "2026-11-23T11:59:50.000Z")
        #expect(event.message["originalTimestamp"] == "2026-11-23T12:59:50.000Z")
        #expect(event.message["receivedAt"] == "2026-11-23T12:00:00.000Z")
        #expect(event.receivedAt == receivedAt)
    }

    @Test func timestampWithoutSentAtIsKeptAndMissingTimestampIsReceivedAt() throws {
        let historic = try normalizer().event(from: ["userId": "u1", "event": "E", "timestamp": "2020-01-01T00:00:00Z"], type: .track)
        #expect(historic.message["timestamp"] == "2020-01-01T00:00:00.000Z")
        let live = try normalizer().event(from: ["userId": "u1", "event": "E"], type: .track)
        #expect(live.message["timestamp"] == "2026-11-23T12:00:00.000Z")
    }

    @Test func makesAMessageIdWhenAbsentAndKeepsAGivenOne() throws {
        let made = try normalizer().event(from: ["anonymousId": "a1", "event": "E"], type: .track)
        #expect(made.messageId.hasPrefix("api-"))
        #expect(made.message["messageId"] == .string(made.messageId))
        let given = try normalizer().event(from: ["anonymousId": "a1", "event": "E", "messageId": "m-1"], type: .track)
        #expect(given.messageId == "m-1")
    }

    @Test func neverKeepsTheWriteKey() throws {
        let event = try normalizer().event(from: ["userId": "u1", "traits": ["plan": "pro"], "writeKey": "secret"], type: .identify)
        #expect(event.message["writeKey"] == nil)
        #expect(event.name == "identify")
        #expect(event.message["traits"] == ["plan": "pro"])
    }

    @Test func prefixesTrackNames() throws {
        let event = try normalizer(prefix: "braze-").event(from: ["userId": "u1", "event": "purchase"], type: .track)
        #expect(event.name == "braze-purchase")
        #expect(event.message["event"] == "braze-purchase")
    }

    @Test func aPageKeepsItsOwnNameAndRoutesAsPage() throws {
        let event = try normalizer().event(from: ["userId": "u1", "name": "Pricing", "properties": ["url": "https://x"]], type: .page)
        #expect(event.name == "page")
        #expect(event.message["properties"] == ["url": "https://x"])
        #expect(event.document["name"] == "Pricing")
    }

    static let wrongBodies: [(JSONValue, EventType, String)] = [
        (["event": "E"], .track, "userId"),
        (["userId": "u1"], .track, "event"),
        (["userId": "u1", "event": 5], .track, "event"),
        (["userId": ["id": 1], "event": "E"], .track, "userId"),
        (["userId": "u1", "event": "E", "properties": "x"], .track, "properties"),
        (["userId": "u1", "traits": [1]], .identify, "traits"),
        (["userId": "u1", "event": "E", "timestamp": "last tuesday"], .track, "timestamp"),
        (["userId": "u1"], .group, "groupId"),
        (["anonymousId": "a1", "previousId": "p"], .alias, "userId"),
        (["userId": "u1"], .alias, "previousId"),
        // Skew correction would land before year 0.
        (["userId": "u1", "event": "E", "timestamp": "0001-01-01T00:00:00Z", "sentAt": "9999-01-01T00:00:00Z"], .track, "timestamp"),
    ]

    @Test(arguments: wrongBodies)
    func namesTheFieldThatIsWrong(body: JSONValue, type: EventType, field: String) {
        #expect(throws: ValidationError.self) { try normalizer().event(from: body, type: type) }
        do {
            _ = try normalizer().event(from: body, type: type)
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func batchAppliesEnvelopeDefaultsAndChecksEachMessage() throws {
        let events = try normalizer().events(fromBatch: [
            "batch": [
                ["type": "identify", "userId": "u1", "traits": ["email": "a@b.c"], "timestamp": "2026-11-23T12:00:00Z"],
                ["type": "track", "userId": "u1", "event": "Clicked", "context": ["ip": "1.2.3.4"], "timestamp": "2026-11-23T12:00:00Z"],
            ],
            "context": ["library": ["name": "analytics-node"], "ip": "9.9.9.9"],
            "sentAt": "2026-11-23T12:00:10Z",
        ])
        #expect(events.map(\.name) == ["identify", "Clicked"])
        #expect(events[1].message["context"] == ["library": ["name": "analytics-node"], "ip": "1.2.3.4"])
        #expect(events[0].message["sentAt"] == "2026-11-23T12:00:10.000Z")
        #expect(events[0].message["timestamp"] == "2026-11-23T11:59:50.000Z")

        do {
            _ = try normalizer().events(fromBatch: ["batch": [["type": "track", "userId": "u", "event": "ok"], ["type": "shout", "userId": "u"]]])
            Issue.record("a bad type must be refused")
        } catch {
            #expect(error.field == "batch[1].type")
        }
        #expect(throws: ValidationError(field: "batch", "batch must be an array, not object")) {
            try normalizer().events(fromBatch: ["batch": [:]])
        }
    }
}
