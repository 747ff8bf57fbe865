import Foundation

/// A named preset that installs ready destinations, subscriptions and syncs for one platform.
/// Pure: `plan` turns validated parameters into what to create; the service creates it.
public protocol Connector: Sendable {
    var name: String { get }
    var description: String { get }
    var platform: String { get }
    var parameters: [ConnectorParameter] { get }
    /// What to create from parameters already checked against `parameters` (defaults filled in),
    /// installed at `now`.
    func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan
}

extension Connector {
    /// Checks the parameters a user gave (errors name `parameters.<name>`) and plans the install.
    public func plan(parameters json: JSONValue, at now: Date) throws(ValidationError) -> ConnectorPlan {
        try plan(ConnectorValues(json, specification: parameters), at: now)
    }

    /// The parameters as a JSON Schema: types, required, defaults, secrets marked `writeOnly` and `x-secret`.
    public var parameterSchema: JSONValue {
        var properties: [String: JSONValue] = [:]
        for parameter in parameters { properties[parameter.name] = parameter.schema }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(parameters.filter(\.required).map { .string($0.name) }), "additionalProperties": false,
        ]
    }

    /// The list item `GET /v1/connectors` shows.
    public var document: JSONValue {
        ["name": .string(name), "description": .string(description), "platform": .string(platform), "parameters": parameterSchema]
    }
}

/// Every connector, in the order the list shows them.
public enum Connectors {
    public static let all: [any Connector] = [
        PendulaFlowConnector(), SegmentWebhookConnector(), OpenLoyaltyMemberLabelsConnector(), BrazeUsersTrackConnector(),
        BrazeAudienceAttributeConnector(), BrazeCohortsConnector(), HeapTrackConnector(), HeapUserPropertiesConnector(),
    ]

    public static func named(_ name: String) -> (any Connector)? {
        all.first { $0.name == name }
    }
}
