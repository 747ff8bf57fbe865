import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

// How the API shows these resources.
extension EventTypesController {
    static func document(_ type: EventTypeRecord) -> JSONValue {
        [
            "name": .string(type.name),
            "description": type.description.map(JSONValue.string) ?? .null,
            "schema": type.schema ?? .null,
            "createdAt": .string(Timestamp.format(type.createdAt)),
        ]
    }
}
