import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

// How the API shows these resources.
extension DeliveriesController {
    static func document(_ delivery: Delivery) -> JSONValue {
        [
            "id": .string(delivery.id),
            "eventId": .string(delivery.eventId),
            "subscriptionId": .string(delivery.subscriptionId),
            "destinationId": .string(delivery.destinationId),
            "status": .string(delivery.status.rawValue),
            "attemptCount": .int(Int64(delivery.attemptCount)),
            "nextAttemptAt": delivery.nextAttemptAt.map { .string(Timestamp.format($0)) } ?? .null,
            "createdAt": .string(Timestamp.format(delivery.createdAt)),
            "attempts": .array(delivery.attempts.map { attempt in
                [
                    "at": .string(Timestamp.format(attempt.at)),
                    "durationMs": .int(Int64(attempt.durationMs)),
                    "responseStatus": attempt.responseStatus.map { .int(Int64($0)) } ?? .null,
                    "responseBody": attempt.responseBody.map(JSONValue.string) ?? .null,
                    "error": attempt.error.map { .string($0.rawValue) } ?? .null,
                ]
            }),
        ]
    }
}
