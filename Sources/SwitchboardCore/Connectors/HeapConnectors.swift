import Foundation

/// What the Heap presets share: the region's server-side API, bodies merged into one bulk
/// request of at most 1,000 items, properties flattened to dotted keys and cut to 1,024 characters.
enum HeapAPI {
    static let maximumItems = 1_000
    static let maximumValueLength = 1_024

    static let appId = ConnectorParameter("appId", .string, "Your Heap app (environment) id", required: true)
    static let region = ConnectorParameter("region", .choice(["us", "eu"]), "Where your Heap data lives", default: "us")
    static let endpoint = ConnectorParameter("endpoint", .url, "Another base URL for Heap's API (a proxy); the region's when absent")

    static func base(_ values: ConnectorValues) -> String {
        if values.optionalString("endpoint") != nil { return values.base("endpoint") }
        return values.string("region") == "eu" ? "https://c.eu.heap-api.com" : "https://heapanalytics.com"
    }

    static func destination(_ values: ConnectorValues, path: String, name: String) -> ConnectorPlan.DestinationSpec {
        .init(name: name, url: base(values) + path, batching: Destination.Batching(maxSize: maximumItems, maxWaitMs: 1000, combine: .merge),
            urlField: values.optionalString("endpoint") == nil ? "parameters.region" : "parameters.endpoint")
    }

    static let properties = "{{ properties | flatten | truncate: 1024 }}"
}

/// Track events -> Heap's server-side bulk track: `{"app_id", "events": [{identity, event,
/// timestamp, properties, idempotency_key}]}`, `idempotency_key` the event's messageId.
public struct HeapTrackConnector: Connector {
    public let name = "heap-track"
    public let description = "Send track events to Heap's server-side track API, up to 1,000 in one bulk request"
    public let platform = "Heap"
    public let parameters: [ConnectorParameter] = [
        HeapAPI.appId, ConnectorParameter("eventNames", .stringList, "Track events to send, or [\"*\"]", default: ["*"]), HeapAPI.region, HeapAPI.endpoint,
    ]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        let event: JSONValue = [
            "identity": "{{ userId }}", "event": "{{ event | truncate: 1024 }}", "timestamp": "{{ timestamp }}",
            "properties": .string(HeapAPI.properties), "idempotency_key": "{{ messageId }}",
        ]
        let condition: JSONValue = ["all": [["field": "type", "op": "eq", "value": "track"], ["field": "userId", "op": "exists"]]]
        var plan = ConnectorPlan()
        plan.destinations = [HeapAPI.destination(values, path: "/api/track", name: "Heap track")]
        plan.subscriptions = [
            .init(
                destination: 0, name: "Heap events", eventNames: values.strings("eventNames"), condition: try Condition(validating: condition),
                mapping: try .preset(["body": ["app_id": .string(values.string("appId")), "events": [event]]]))
        ]
        return plan
    }
}

/// Identify traits -> Heap's bulk add_user_properties: `{"app_id", "users": [{identity, properties}]}`.
public struct HeapUserPropertiesConnector: Connector {
    public let name = "heap-user-properties"
    public let description = "Send identify traits to Heap as user properties (add_user_properties), up to 1,000 users in one bulk request"
    public let platform = "Heap"
    public let parameters: [ConnectorParameter] = [HeapAPI.appId, HeapAPI.region, HeapAPI.endpoint]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        let user: JSONValue = ["identity": "{{ userId }}", "properties": "{{ traits | flatten | truncate: 1024 }}"]
        let condition: JSONValue = ["field": "userId", "op": "exists"]
        var plan = ConnectorPlan()
        plan.destinations = [HeapAPI.destination(values, path: "/api/add_user_properties", name: "Heap user properties")]
        plan.subscriptions = [
            .init(
                destination: 0, name: "Heap user properties", eventNames: ["identify"], condition: try Condition(validating: condition),
                mapping: try .preset(["body": ["app_id": .string(values.string("appId")), "users": [user]]]))
        ]
        return plan
    }
}
