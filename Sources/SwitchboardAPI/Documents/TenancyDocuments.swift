import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

// How the API shows these resources.
extension TenancyController {
    static func document(_ workspace: Workspace) -> JSONValue {
        [
            "id": .string(workspace.id),
            "name": .string(workspace.name),
            "createdAt": .string(Timestamp.format(workspace.createdAt)),
        ]
    }

    static func document(_ key: APIKey, secret: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(key.id),
            "name": .string(key.name),
            "role": .string(key.role.rawValue),
            "workspaceId": .string(key.workspaceId),
            "createdAt": .string(Timestamp.format(key.createdAt)),
        ]
        if let secret { fields["key"] = .string(secret) }
        return .object(fields)
    }
}
