import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

// How the API shows these resources.
extension SubscriptionsController {
    static func document(_ subscription: Subscription) -> JSONValue {
        [
            "id": .string(subscription.id),
            "name": .string(subscription.name),
            "destinationId": .string(subscription.destinationId),
            "eventNames": .array(subscription.eventNames.map(JSONValue.string)),
            "condition": subscription.condition?.json ?? .null,
            "mapping": subscription.mapping?.json ?? .null,
            "format": .string(subscription.format.rawValue),
            "enabled": .bool(subscription.enabled),
            "createdAt": .string(Timestamp.format(subscription.createdAt)),
            "updatedAt": .string(Timestamp.format(subscription.updatedAt)),
            "connector": subscription.connector.map(JSONValue.string) ?? .null,
        ]
    }

    static func schema(required: [String]) -> JSONValue {
        Schema.object(
            [
                "name": Schema.name, "destinationId": Schema.string,
                "eventNames": ["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1],
                "condition": Schema.nullableObject, "mapping": Schema.nullableObject,
                "format": Schema.oneOf(BodyFormat.allCases.map(\.rawValue)), "enabled": ["type": "boolean"],
            ],
            required: required)
    }
}
