import Foundation
import SwitchboardCore

/// Reads a source from create or change fields, each checked with the field named on failure.
/// Public: the admin panel's source form goes through the same checks.
public enum SourceFields {
    /// A new source from a create request's fields; a segment source gets its write key.
    public static func newSource(_ fields: JSONObjectReader, id: String, workspaceId: String, now: Date) throws -> Source {
        let name = try fields.requiredString("name")
        guard let type = try fields.enumeration("type", as: SourceType.self) else {
            throw APIError.validation(field: "type", "type is required: one of \"segment\", \"webhook\", \"openloyalty\", \"braze-currents\"")
        }
        return Source(
            id: id, workspaceId: workspaceId, name: name, type: type,
            verification: try verification(fields.fields["verification"]), eventNamePrefix: try fields.optionalString("eventNamePrefix", maximumLength: 100),
            settings: try settings(fields, type: type, current: InboundSettings()), writeKey: type == .segment ? Secrets.newWriteKey() : nil,
            createdAt: now, updatedAt: now)
    }

    /// A create or change request's fields applied to a stored source: only the fields present
    /// change; the type stays; verification secrets left out are kept (no response shows them).
    public static func apply(_ fields: JSONObjectReader, to source: inout Source) throws {
        if let type = try fields.enumeration("type", as: SourceType.self), type != source.type {
            throw APIError.validation(field: "type", "the type of a source cannot be changed")
        }
        if fields.contains("name") { source.name = try fields.requiredString("name") }
        if fields.contains("verification") {
            // Secrets left out (as every response leaves them out) are kept, then the whole is checked.
            source.verification = try verification(Source.verification(fields.fields["verification"], keepingSecretsOf: source.verification))
        }
        if fields.contains("eventNamePrefix") { source.eventNamePrefix = try fields.optionalString("eventNamePrefix", maximumLength: 100) }
        source.settings = try settings(fields, type: source.type, current: source.settings)
    }

    /// Where a source receives: Segment's batch endpoint (with its write key), else its own ingest URL.
    public static func ingestURL(_ source: Source, publicURL: String) -> String {
        source.type == .segment ? publicURL + "/v1/batch" : publicURL + "/ingest/" + source.id
    }

    /// `verification`: null, or settings `SourceVerification` accepts, stored with their defaults written out.
    static func verification(_ value: JSONValue?) throws -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return try SourceVerification(validating: value).json
    }

    /// The inbound settings the request gives (the others as they were), checked against the type.
    static func settings(_ fields: JSONObjectReader, type: SourceType, current: InboundSettings) throws -> InboundSettings {
        var settings = current
        if fields.contains("transform") {
            settings.transform = try fields.object("transform").map { .object($0.fields) }
            if settings.transform == nil, let value = fields.fields["transform"], !value.isNull {
                throw APIError.validation(field: "transform", "transform must be a JSON object, not \(value.typeName)")
            }
        }
        if fields.contains("itemsPath") { settings.itemsPath = try fields.optionalString("itemsPath", maximumLength: 500) }
        if fields.contains("eventName") { settings.eventName = try fields.optionalString("eventName", maximumLength: 500) }
        if fields.contains("userIdField") { settings.userIdField = try fields.optionalString("userIdField", maximumLength: 500) }
        return try settings.validated(for: type)
    }
}
