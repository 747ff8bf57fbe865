import Foundation

/// Audience membership into Braze without partner credentials: a custom array attribute that
/// gains the audience key on `Audience Entered` and loses it on `Audience Exited`.
public struct BrazeAudienceAttributeConnector: Connector {
    public let name = "braze-audience-attribute"
    public let description = "Keep a Braze array attribute listing the audiences a user is in (add on enter, remove on exit) through /users/track"
    public let platform = "Braze"
    public let parameters: [ConnectorParameter] = [
        BrazeUsersTrack.restEndpoint, BrazeUsersTrack.apiKey,
        ConnectorParameter("attribute", .string, "The custom attribute that lists the audiences", default: "switchboard_audiences"),
        ConnectorParameter("audienceKeys", .stringList, "The audiences to mirror", required: true),
    ]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        let keys = JSONValue.array(values.strings("audienceKeys").map(JSONValue.string))
        let condition: JSONValue = ["all": [["field": "userId", "op": "exists"], ["field": "properties.audienceKey", "op": "in", "value": keys]]]
        let attribute = values.string("attribute")
        guard attribute != "external_id" else { throw ValidationError(field: "parameters.attribute", "attribute may not be external_id") }
        func body(_ change: String) -> JSONValue {
            var item: [String: JSONValue] = ["external_id": "{{ userId }}"]
            item[attribute] = .object([change: ["{{ properties.audienceKey }}"]])
            return ["attributes": [.object(item)]]
        }
        var plan = ConnectorPlan()
        plan.destinations = [BrazeUsersTrack.destination(values, name: "Braze audience attribute")]
        plan.subscriptions = [
            .init(
                destination: 0, name: "Braze attribute: audience entered", eventNames: ["Audience Entered"], condition: try Condition(validating: condition),
                mapping: try .preset(["body": body("add")])),
            .init(
                destination: 0, name: "Braze attribute: audience exited", eventNames: ["Audience Exited"], condition: try Condition(validating: condition),
                mapping: try .preset(["body": body("remove")])),
        ]
        return plan
    }
}
