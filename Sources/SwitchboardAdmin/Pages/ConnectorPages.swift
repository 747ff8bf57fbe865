import Foundation
import Hummingbird
import SwitchboardAPI
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Connectors: each with an install form generated from its parameters (the API's schema), and
/// what installing it created.
struct ConnectorPages {
    let panel: AdminPanel

    private var service: ConnectorService {
        ConnectorService(
            destinations: panel.destinations, destinationStore: panel.storage, subscriptionStore: panel.storage, syncs: panel.storage,
            audiences: panel.storage, identifiers: panel.identifiers, maxRecurringSyncs: panel.maxRecurringSyncs, now: panel.now)
    }

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("connectors") { _, context in
            let user = try context.signedIn()
            let rows = Connectors.all.map { ["name": $0.name, "platform": $0.platform, "description": $0.description] }
            return panel.renderer.page("connectors", title: "Connectors", data: ["rows": rows], user: user, section: "connectors")
        }
        group.get("connectors/{name}") { _, context in
            try form(try connector(context), values: [:], errors: [:], error: nil, user: try context.signedIn())
        }
        group.post("connectors/{name}") { _, context in
            let user = try context.editor()
            let connector = try connector(context)
            var values: [String: String] = [:]
            var parameters: [String: JSONValue] = [:]
            for parameter in connector.parameters {
                let text = context.form.raw(parameter.name) ?? ""
                values[parameter.name] = text
                if let value = Self.value(text, of: parameter, present: context.form.has(parameter.name)) { parameters[parameter.name] = value }
            }
            do {
                let installed = try await service.install(connector, parameters: .object(parameters), workspaceId: user.workspaceId)
                var made: [[String: String]] = installed.destinations.map { ["kind": "Destination", "name": $0.name, "link": "/admin/destinations/\($0.id)"] }
                made += installed.subscriptions.map { ["kind": "Subscription", "name": $0.name, "link": "/admin/subscriptions/\($0.id)"] }
                made += installed.syncs.map { ["kind": "Sync", "name": $0.sync.id, "link": "/admin/syncs/\($0.sync.id)"] }
                return try form(connector, values: [:], errors: [:], error: nil, user: user, installed: made)
            } catch let error as ValidationError {
                return try refused(connector, values, field: error.field, message: error.message, user: user)
            } catch let error as APIError where error.status == .unprocessableContent {
                return try refused(connector, values, field: error.field, message: error.message, user: user)
            } catch SyncStoreError.tooManyRecurring(let maximum) {
                return try refused(connector, values, field: nil, message: "this workspace has \(maximum) recurring syncs, the most allowed; nothing was installed", user: user)
            }
        }
    }

    /// A typed value from the form, as the API takes it; nil leaves the connector's default.
    static func value(_ text: String, of parameter: ConnectorParameter, present: Bool) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch parameter.kind {
        case .boolean:
            // A checkbox sends nothing when unticked; the hidden field says the form was shown.
            return .bool(present && trimmed == "on")
        case .stringList:
            guard !trimmed.isEmpty else { return nil }
            return .array(trimmed.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
        case .integer:
            guard !trimmed.isEmpty else { return nil }
            return Int64(trimmed).map(JSONValue.int) ?? .string(trimmed)
        case .condition:
            guard !trimmed.isEmpty else { return nil }
            return (try? JSONCoding.parse(Array(trimmed.utf8))) ?? .string(trimmed)
        case .url, .string, .secret, .choice:
            return trimmed.isEmpty ? nil : .string(trimmed)
        }
    }

    private func connector(_ context: AdminRequestContext) throws -> any Connector {
        guard let connector = Connectors.named(context.parameters.get("name") ?? "") else { throw AdminError.notFound("There is no such connector.") }
        return connector
    }

    private func refused(_ connector: any Connector, _ values: [String: String], field: String?, message: String, user: AdminUser) throws -> Response {
        let input = field.map { String($0.split(separator: ".").last ?? "") } ?? ""
        var response = try form(connector, values: values, errors: [input: message], error: message, user: user)
        response.status = .unprocessableContent
        return response
    }

    private func form(
        _ connector: any Connector, values: [String: String], errors: [String: String], error: String?, user: AdminUser, installed: [[String: String]]? = nil
    ) throws -> Response {
        let fields: [[String: Any]] = connector.parameters.map { parameter in
            let typed = values[parameter.name]
            var field: [String: Any] = [
                "name": parameter.name, "description": parameter.description, "required": parameter.required, "error": errors[parameter.name] ?? "",
                "hasError": errors[parameter.name] != nil,
            ]
            let fallback = parameter.defaultValue.map(Self.text) ?? ""
            switch parameter.kind {
            case .boolean:
                field["checkbox"] = true
                field["checked"] = typed.map { $0 == "on" } ?? (parameter.defaultValue == .bool(true))
            case .choice(let choices):
                field["choices"] = choices.map { ["value": $0, "selected": $0 == (typed ?? fallback)] as [String: Any] }
                field["hasChoices"] = true
            case .condition:
                field["textarea"] = true
                field["value"] = typed ?? fallback
            case .secret:
                // Secrets are write-only: never shown back, even after a refused form.
                field["input"] = true
                field["type"] = "password"
                field["value"] = ""
            case .url, .string, .stringList, .integer:
                field["input"] = true
                field["type"] = parameter.kind == .url ? "url" : "text"
                field["value"] = typed ?? fallback
                if parameter.kind == .stringList { field["hint"] = "comma separated" }
            }
            return field
        }
        var data: [String: Any] = ["name": connector.name, "platform": connector.platform, "description": connector.description, "fields": fields]
        if let error { data["error"] = "Not installed: \(error)" }
        if let installed {
            data["installed"] = installed
            data["hasInstalled"] = true
        }
        return panel.renderer.page("connector", title: "Connector \(connector.name)", data: data, user: user, section: "connectors")
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .array(let items): items.compactMap(\.stringValue).joined(separator: ", ")
        default: String(decoding: JSONCoding.bytes(value), as: UTF8.self)
        }
    }
}
