import Foundation
import SwitchboardCore
import SwitchboardStorage

/// Reads subscription fields from a create or change request onto a subscription: only the
/// fields present change, each validated with the field named on failure. Public: the admin
/// panel's editor goes through the same checks.
public enum SubscriptionFields {
    public static func apply(
        _ fields: JSONObjectReader, to subscription: inout Subscription, creating: Bool, destinations: any DestinationStore
    ) async throws {
        if creating || fields.contains("name") { subscription.name = try fields.requiredString("name") }
        if creating || fields.contains("destinationId") {
            let id = try fields.requiredString("destinationId")
            guard try await destinations.destination(id: id, workspaceId: subscription.workspaceId) != nil else {
                throw APIError.validation(field: "destinationId", "no such destination")
            }
            subscription.destinationId = id
        }
        if creating || fields.contains("eventNames") {
            guard let names = try fields.array("eventNames"), !names.isEmpty, names.count <= 500 else {
                throw APIError.validation(field: "eventNames", "eventNames must list 1 to 500 event names, or [\"*\"]")
            }
            subscription.eventNames = try names.enumerated().map { index, value in
                guard let name = value.stringValue, !name.isEmpty, name.count <= 200 else {
                    throw APIError.validation(field: "eventNames[\(index)]", "event names must be non-empty strings")
                }
                return name
            }
        }
        if fields.contains("condition") {
            subscription.condition = try fields.fields["condition"].flatMap { value throws(ValidationError) in
                value.isNull ? nil : try Condition(validating: value)
            }
        }
        if fields.contains("mapping") {
            subscription.mapping = try fields.fields["mapping"].flatMap { value throws(ValidationError) in
                value.isNull ? nil : try Mapping(validating: value)
            }
        }
        if fields.contains("format") { subscription.format = try fields.enumeration("format", as: BodyFormat.self) ?? .event }
        if let enabled = try fields.bool("enabled") { subscription.enabled = enabled }
    }
}
