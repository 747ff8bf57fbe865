import Foundation
import SwitchboardCore

/// Reads destination fields from a create or change request onto a destination: only the
/// fields present change, each validated with the field named on failure. Public: the admin
/// panel's form goes through the same checks.
public enum DestinationFields {
    public static func apply(_ fields: JSONObjectReader, to destination: inout Destination, creating: Bool) throws {
        if creating || fields.contains("name") { destination.name = try fields.requiredString("name") }
        if creating || fields.contains("url") { destination.url = try url(fields) }
        if fields.contains("method") {
            destination.method = try fields.enumeration("method", as: HTTPMethodName.self) ?? .post
        }
        if fields.contains("headers") { destination.headers = try headers(fields) }
        if fields.contains("signing") {
            destination.signing = try fields.enumeration("signing", as: SigningScheme.self) ?? .standardWebhooks
        }
        if creating, let secret = try fields.string("secret") { destination.secret = try checkedSecret(secret) }
        if fields.contains("timeoutMs") { destination.timeoutMs = try fields.int("timeoutMs", in: 100...120_000) ?? 15_000 }
        if fields.contains("retrySchedule") { destination.retrySchedule = try schedule(fields) }
        if fields.contains("rateLimit") {
            destination.rateLimitPerSecond = try fields.object("rateLimit").map { limit throws(ValidationError) in
                guard let perSecond = try limit.int("perSecond", in: 1...100_000) else {
                    throw ValidationError(field: "rateLimit.perSecond", "rateLimit.perSecond is required")
                }
                return perSecond
            }
        }
        if fields.contains("maxConcurrency") { destination.maxConcurrency = try fields.int("maxConcurrency", in: 1...10_000) }
        if fields.contains("batching") {
            destination.batching = try fields.object("batching").map { batching throws(ValidationError) in
                guard let size = try batching.int("maxSize", in: 1...1000) else {
                    throw ValidationError(field: "batching.maxSize", "batching.maxSize is required")
                }
                return Destination.Batching(
                    maxSize: size, maxWaitMs: try batching.int("maxWaitMs", in: 0...300_000) ?? 1000,
                    combine: try batching.enumeration("combine", as: BatchCombine.self) ?? .array)
            }
        }
        if fields.contains("ordering") { destination.ordering = try fields.enumeration("ordering", as: Destination.Ordering.self) ?? .none }
        if fields.contains("activeFrom") { destination.activeFrom = try fields.date("activeFrom") }
        if let enabled = try fields.bool("enabled") {
            destination.enabled = enabled
            if enabled { destination.disabledReason = nil }
        }
    }

    /// A signing secret given by the user.
    public static func checkedSecret(_ secret: String) throws -> String {
        guard WebhookSigner.isValidSecret(secret) else {
            throw ValidationError(field: "secret", "secret must be whsec_ followed by base64 of 16 to 128 bytes")
        }
        return secret
    }

    private static func url(_ fields: JSONObjectReader) throws -> String {
        let text = try fields.requiredString("url", maximumLength: 2048)
        // The same test the sender applies, so a saved URL is one that can be sent to.
        if let problem = DestinationURL.problem(text) { throw ValidationError(field: "url", problem) }
        return text
    }

    private static func headers(_ fields: JSONObjectReader) throws -> [String: String] {
        guard let object = try fields.object("headers") else { return [:] }
        var headers: [String: String] = [:]
        for (name, value) in object.fields {
            guard HeaderName.isValid(name) else { throw ValidationError(field: "headers.\(name)", "\"\(name)\" is not a valid header name") }
            guard let text = value.stringValue else { throw ValidationError(field: "headers.\(name)", "header values must be strings") }
            // Judged as bytes: "\r\n" is one Character to Swift, and would be dropped on the wire at every send.
            if let problem = HeaderValue.problem(text) { throw ValidationError(field: "headers.\(name)", problem) }
            headers[name] = text
        }
        return headers
    }

    private static func schedule(_ fields: JSONObjectReader) throws -> [Int] {
        guard let values = try fields.array("retrySchedule") else { return RetryPolicy.defaultSchedule }
        guard values.count <= 50 else { throw ValidationError(field: "retrySchedule", "retrySchedule may have at most 50 delays") }
        return try values.enumerated().map { index, value in
            guard case .int(let seconds) = value, (0...604_800).contains(seconds) else {
                throw ValidationError(field: "retrySchedule[\(index)]", "each delay must be a whole number of seconds from 0 to 604800")
            }
            return Int(seconds)
        }
    }

    public static func document(_ destination: Destination) -> JSONValue {
        [
            "id": .string(destination.id),
            "name": .string(destination.name),
            "url": .string(destination.url),
            "method": .string(destination.method.rawValue),
            "headers": .object(destination.headers.mapValues(JSONValue.string)),
            "signing": .string(destination.signing.rawValue),
            "timeoutMs": .int(Int64(destination.timeoutMs)),
            "retrySchedule": .array(destination.retrySchedule.map { .int(Int64($0)) }),
            "rateLimit": destination.rateLimitPerSecond.map { ["perSecond": .int(Int64($0))] } ?? .null,
            "maxConcurrency": destination.maxConcurrency.map { .int(Int64($0)) } ?? .null,
            "batching": destination.batching.map {
                ["maxSize": .int(Int64($0.maxSize)), "maxWaitMs": .int(Int64($0.maxWaitMs)), "combine": .string($0.combine.rawValue)]
            } ?? .null,
            "ordering": .string(destination.ordering.rawValue),
            "activeFrom": destination.activeFrom.map { .string(Timestamp.format($0)) } ?? .null,
            "enabled": .bool(destination.enabled),
            "disabledReason": destination.disabledReason.map(JSONValue.string) ?? .null,
            "createdAt": .string(Timestamp.format(destination.createdAt)),
            "updatedAt": .string(Timestamp.format(destination.updatedAt)),
            "connector": destination.connector.map(JSONValue.string) ?? .null,
        ]
    }

    static let schema: JSONValue = Schema.object([
        "name": Schema.name,
        "url": ["type": "string", "format": "uri"],
        "method": Schema.oneOf(HTTPMethodName.allCases.map(\.rawValue)),
        "headers": ["type": "object", "additionalProperties": ["type": "string"]],
        "signing": Schema.oneOf(SigningScheme.allCases.map(\.rawValue)),
        "secret": Schema.string,
        "timeoutMs": ["type": "integer", "minimum": 100, "maximum": 120_000],
        "retrySchedule": ["type": "array", "items": ["type": "integer", "minimum": 0]],
        "rateLimit": ["type": ["object", "null"], "properties": ["perSecond": ["type": "integer", "minimum": 1]]],
        "maxConcurrency": ["type": ["integer", "null"], "minimum": 1],
        "batching": [
            "type": ["object", "null"],
            "properties": ["maxSize": ["type": "integer"], "maxWaitMs": ["type": "integer"], "combine": Schema.oneOf(BatchCombine.allCases.map(\.rawValue))],
        ],
        "ordering": Schema.oneOf(Destination.Ordering.allCases.map(\.rawValue)),
        "activeFrom": ["type": ["string", "null"], "format": "date-time"],
        "enabled": ["type": "boolean"],
    ])

    /// The signing secret, and the previous one while it still signs.
    static func secretDocument(_ destination: Destination, at now: Date) -> JSONValue {
        let previous = destination.signingSecrets(at: now).dropFirst().first
        return ["secret": .string(destination.secret), "previousSecret": previous.map(JSONValue.string) ?? .null]
    }
}
