import Foundation

/// Why an inbound body made no events; nothing of the request is stored.
public struct InboundError: Error, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The body is not the shape the source type takes (400 `malformed_json`).
        case malformed
        /// The source's own settings rendered an event that is not a valid Segment event (422).
        case invalidEvent
        /// More items than one request may carry (413, so the sender splits its batch).
        case tooMany
    }

    public var kind: Kind
    public var message: String
    public var field: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }
}

/// Turns the body a `webhook`, `openloyalty` or `braze-currents` source received into events,
/// each finished by the Segment normalizer (so ids, times and the name prefix follow one rule).
public struct InboundConverter: Sendable {
    public var source: Source
    /// Request headers by lower-case name.
    public var headers: [String: String]
    public var receivedAt: Date
    public var identifiers: IdentifierGenerator
    /// Bytes the rendered events of one request may take (transforms could otherwise multiply a body).
    public var renderBudget: Int

    public init(source: Source, headers: [String: String], receivedAt: Date, identifiers: IdentifierGenerator, renderBudget: Int) {
        self.source = source
        self.headers = headers
        self.receivedAt = receivedAt
        self.identifiers = identifiers
        self.renderBudget = renderBudget
    }

    public func events(from body: JSONValue) throws(InboundError) -> [Event] {
        switch source.type {
        case .webhook: try webhookEvents(body)
        case .openloyalty: try openLoyaltyEvents(body)
        case .brazeCurrents: try brazeCurrentsEvents(body)
        case .segment: throw InboundError(.malformed, "segment sources take Segment's HTTP API at /v1/batch, not /ingest")
        }
    }

    var normalizer: SegmentMessageNormalizer {
        SegmentMessageNormalizer(source: source, receivedAt: receivedAt, identifiers: identifiers)
    }

    /// The message id a retried delivery keeps: the sender's `webhook-id` (one per item of an array).
    func defaultMessageId(index: Int, of count: Int) -> String? {
        guard let id = headers["webhook-id"], !id.isEmpty, id.utf8.count <= 200 else { return nil }
        return count == 1 ? id : "\(id)-\(index)"
    }

    /// One finished event from a Segment message built here; a failure is the body's fault.
    func event(_ message: [String: JSONValue], type: EventType = .track, item: String) throws(InboundError) -> Event {
        do {
            return try normalizer.event(from: .object(message), type: type)
        } catch {
            throw InboundError(.malformed, "\(item): \(error.message)", field: error.field)
        }
    }

    /// A user id read from a payload: a non-empty string, or a number as text.
    static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty && text.utf8.count <= 1_000: text
        case .int(let number)?: String(number)
        default: nil
        }
    }
}
