import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// Segment's HTTP Tracking API, so Segment's SDKs work pointed at Switchboard. Answers 200
/// only once the events are durably committed.
struct SegmentIngestController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        let message = Self.messageSchema(required: [])
        // analytics.js posts to the one-letter paths (/v1/t, /v1/i, ...), the other SDKs to the full names.
        for type in EventType.allCases {
            for path in ["/v1/\(type.rawValue)", "/v1/\(type.rawValue.prefix(1))"] {
                routes.add(
                    .init(
                        method: .post, path: path, summary: "Segment \(type.rawValue) call", tag: "Ingest", access: .writeKey,
                        requestBody: Self.messageSchema(required: Self.requiredFields[type] ?? ["userId"]))
                ) { request, context in
                    try await ingest(request) { normalizer, body in [try normalizer.event(from: body, type: type)] }
                }
            }
        }
        let batch = Schema.object(["batch": ["type": "array", "items": message], "context": Schema.anyObject], required: ["batch"])
        for path in ["/v1/batch", "/v1/b"] {
            routes.add(.init(method: .post, path: path, summary: "Segment batch of calls", tag: "Ingest", access: .writeKey, requestBody: batch)) {
                request, context in
                try await ingest(request) { normalizer, body in try normalizer.events(fromBatch: body) }
            }
        }
    }

    /// What each call needs besides an id (`userId`, or `anonymousId` where Segment allows it).
    private static let requiredFields: [EventType: [String]] = [
        .track: ["userId", "event"], .group: ["userId", "groupId"], .alias: ["userId", "previousId"],
    ]

    private static func messageSchema(required: [String]) -> JSONValue {
        let id: JSONValue = ["type": "string", "minLength": 1]
        return Schema.object(
            [
                "userId": id, "anonymousId": id, "event": id, "groupId": id, "previousId": id, "name": Schema.string,
                "properties": Schema.anyObject, "traits": Schema.anyObject, "context": Schema.anyObject,
                "messageId": Schema.string, "timestamp": ["type": "string", "format": "date-time"],
                "sentAt": ["type": "string", "format": "date-time"],
            ],
            required: required)
    }

    private func ingest(
        _ request: Request, events: (SegmentMessageNormalizer, JSONValue) throws -> [Event]
    ) async throws -> Response {
        // Check a header credential before reading the body; else the write key is in the body.
        var source = try await headerSource(request)
        let body = try await dependencies.body.read(request, allowTextPlain: true)
        if source == nil {
            source = try await writeKeySource(body["writeKey"]?.stringValue)
        }
        guard let source else { throw APIError.unauthorized("a write key is required: HTTP Basic with the write key as user name") }
        let normalizer = SegmentMessageNormalizer(source: source, receivedAt: dependencies.now(), identifiers: dependencies.identifiers)
        let normalized: [Event]
        do {
            normalized = try events(normalizer, body)
        } catch {
            dependencies.metrics.eventsIngested(sourceType: SourceType.segment.rawValue, outcome: "rejected")
            throw error
        }
        try await dependencies.ingest.ingest(normalized)
        dependencies.metrics.eventsIngested(sourceType: SourceType.segment.rawValue, outcome: "accepted", count: normalized.count)
        return .json(["success": true])
    }

    private func headerSource(_ request: Request) async throws -> Source? {
        guard let header = request.headers[.authorization] else { return nil }
        guard let writeKey = Authenticator.basicUser(header), let source = try await writeKeySource(writeKey) else {
            throw APIError.unauthorized("the write key is not valid")
        }
        return source
    }

    private func writeKeySource(_ writeKey: String?) async throws -> Source? {
        guard let writeKey, !writeKey.isEmpty else { return nil }
        guard let source = try await dependencies.sources.source(writeKey: writeKey), source.type == .segment else {
            throw APIError.unauthorized("the write key is not valid")
        }
        return source
    }
}
