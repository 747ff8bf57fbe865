import Foundation

/// What the Braze presets share: `POST {restEndpoint}/users/track` with the REST API key as a
/// bearer token, bodies merged into one `{"attributes", "events"}` object of at most 75 objects
/// in all (Braze's batching limit), started at most 900 a second (Braze allows 3,000 per 3 s).
enum BrazeUsersTrack {
    static let maximumObjects = 75
    static let requestsPerSecond = 900

    static func destination(_ values: ConnectorValues, name: String) -> ConnectorPlan.DestinationSpec {
        .init(
            name: name, url: values.base("restEndpoint") + "/users/track", headers: ["Authorization": "Bearer " + values.string("apiKey")],
            rateLimitPerSecond: requestsPerSecond, batching: Destination.Batching(maxSize: maximumObjects, maxWaitMs: 1000, combine: .merge), urlField: "parameters.restEndpoint")
    }

    static let restEndpoint = ConnectorParameter("restEndpoint", .url, "Your Braze REST endpoint, e.g. https://rest.iad-01.braze.com", required: true)
    static let apiKey = ConnectorParameter("apiKey", .secret, "A REST API key with users.track permission (sent as Authorization: Bearer)", required: true)
}

/// Segment-style events -> Braze (seeds 001, 004): track events become custom events, identify
/// traits become attributes, `external_id` = userId, times in ISO 8601, merged and batched.
public struct BrazeUsersTrackConnector: Connector {
    public let name = "braze-users-track"
    public let description = "Send track events as Braze custom events and identify traits as attributes through /users/track, merged and batched (75 objects a request)"
    public let platform = "Braze"
    public let parameters: [ConnectorParameter] = [
        BrazeUsersTrack.restEndpoint, BrazeUsersTrack.apiKey,
        ConnectorParameter("eventNames", .stringList, "Track events to send, or [\"*\"] for every track event", default: ["*"]),
        ConnectorParameter("sendTraits", .boolean, "Send identify traits as Braze attributes", default: true),
    ]

    public init() {}

    /// One body for both kinds: an identify fills `attributes`, a track `events`; the other stays
    /// empty, and merging joins them into one request.
    static let body: JSONValue = [
        "attributes": "{{ traits | set: \"external_id\", userId | wrap }}",
        "events": "{{ event | nest: \"name\" | set: \"external_id\", userId | set: \"time\", timestamp | set: \"properties\", properties | wrap }}",
    ]

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        var names = values.strings("eventNames")
        let everyTrack = names.contains("*")
        if values.bool("sendTraits") { names.append("identify") }
        var kinds: [JSONValue] = [["all": [["field": "type", "op": "eq", "value": "track"], ["field": "event", "op": "exists"]]]]
        if values.bool("sendTraits") { kinds.append(["field": "type", "op": "eq", "value": "identify"]) }
        let condition: JSONValue = ["all": [["field": "userId", "op": "exists"], ["any": .array(kinds)]]]
        var plan = ConnectorPlan()
        plan.destinations = [BrazeUsersTrack.destination(values, name: "Braze users/track")]
        plan.subscriptions = [
            .init(
                destination: 0, name: "Braze events and attributes", eventNames: everyTrack ? ["*"] : names,
                condition: try Condition(validating: condition), mapping: try .preset(["body": Self.body]))
        ]
        return plan
    }
}
