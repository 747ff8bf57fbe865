import Foundation

/// What Segment's Webhooks (Actions) destination sends: the event as JSON, `X-Signature` = hex
/// HMAC-SHA1 of the body when a shared secret is set, batched bodies as a JSON array.
public struct SegmentWebhookConnector: Connector {
    public let name = "segment-webhook"
    public let description = "Send every event as Segment's Webhooks (Actions) do: the event as JSON, signed with X-Signature when a shared secret is set"
    public let platform = "Segment"
    public let parameters: [ConnectorParameter] = [
        ConnectorParameter("url", .url, "Where to send", required: true),
        ConnectorParameter("sharedSecret", .secret, "Signs each body: X-Signature = hex HMAC-SHA1 of the body with this secret"),
        ConnectorParameter("method", .choice(HTTPMethodName.allCases.map(\.rawValue)), "HTTP method", default: "POST"),
        ConnectorParameter("batchSize", .integer(1...1000), "Events per request; above 1 the bodies go as a JSON array", default: 1),
    ]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        var plan = ConnectorPlan()
        let secret = values.optionalString("sharedSecret")
        let batchSize = values.int("batchSize") ?? 1
        plan.destinations = [
            .init(
                name: "Segment webhook", url: values.string("url"), method: HTTPMethodName(rawValue: values.string("method")) ?? .post,
                signing: secret == nil ? .none : .segmentHMACSHA1, secret: secret,
                batching: batchSize > 1 ? Destination.Batching(maxSize: batchSize, maxWaitMs: 1000) : nil)
        ]
        plan.subscriptions = [.init(destination: 0, name: "Segment webhook: every event", eventNames: ["*"])]
        return plan
    }
}
