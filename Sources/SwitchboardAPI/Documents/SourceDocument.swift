import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

// How the API shows these resources.
extension SourcesController {
    static func schema(required: [String]) -> JSONValue {
        Schema.object(
            [
                "name": Schema.name,
                "type": Schema.oneOf(SourceType.allCases.map(\.rawValue)),
                "verification": Schema.nullableObject,
                "eventNamePrefix": Schema.nullableString,
                "transform": Schema.nullableObject,
                "itemsPath": Schema.nullableString,
                "eventName": Schema.nullableString,
                "userIdField": Schema.nullableString,
            ],
            required: required)
    }

    func document(_ source: Source) -> JSONValue {
        let ingestURL = SourceFields.ingestURL(source, publicURL: dependencies.publicURL)
        return [
            "id": .string(source.id),
            "name": .string(source.name),
            "type": .string(source.type.rawValue),
            // Secrets are write-only: no response shows them, whatever the key's role.
            "verification": source.shownVerification ?? .null,
            "eventNamePrefix": source.eventNamePrefix.map(JSONValue.string) ?? .null,
            "transform": source.settings.transform ?? .null,
            "itemsPath": source.settings.itemsPath.map(JSONValue.string) ?? .null,
            "eventName": source.settings.eventName.map(JSONValue.string) ?? .null,
            "userIdField": source.settings.userIdField.map(JSONValue.string) ?? .null,
            "writeKey": source.writeKey.map(JSONValue.string) ?? .null,
            "ingestUrl": .string(ingestURL),
            "createdAt": .string(Timestamp.format(source.createdAt)),
            "updatedAt": .string(Timestamp.format(source.updatedAt)),
        ]
    }
}
