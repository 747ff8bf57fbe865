import Foundation

/// Segment -> Pendula (seed 002): the whole event POSTed to a flow's webhook trigger, with the
/// API token as a bearer token, for the chosen events under an optional condition.
public struct PendulaFlowConnector: Connector {
    public let name = "pendula-flow"
    public let description = "Trigger a Pendula flow: POST the whole event to the flow's webhook URL with Authorization: Bearer <apiToken>"
    public let platform = "Pendula"
    public let parameters: [ConnectorParameter] = [
        ConnectorParameter("flowUrl", .url, "The flow's webhook trigger URL", required: true),
        ConnectorParameter("apiToken", .secret, "The Pendula API token (sent as Authorization: Bearer)", required: true),
        ConnectorParameter("eventNames", .stringList, "Event names that trigger the flow, or [\"*\"]", required: true),
        ConnectorParameter("condition", .condition, "A condition the event must meet, e.g. userId starts_with \"SA\""),
    ]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        var plan = ConnectorPlan()
        plan.destinations = [
            .init(name: "Pendula flow", url: values.string("flowUrl"), headers: ["Authorization": "Bearer " + values.string("apiToken")], urlField: "parameters.flowUrl")
        ]
        plan.subscriptions = [
            .init(destination: 0, name: "Pendula flow trigger", eventNames: values.strings("eventNames"), condition: values.condition("condition"))
        ]
        return plan
    }
}
