import Foundation
import SwitchboardCore

// How each model is read from a row and written as columns: shared by both databases, so the
// two schemas stay column-for-column the same.

extension Workspace {
    init(row: some StoredRow) {
        self.init(id: row.string("id"), name: row.string("name"), parentId: row.text("parent_id"), createdAt: row.requiredDate("created_at"))
    }
}

extension APIKey {
    init(row: some StoredRow) {
        self.init(
            id: row.string("id"), name: row.string("name"), role: Role(rawValue: row.string("role")) ?? .viewer,
            workspaceId: row.string("workspace_id"), keyHash: row.string("key_hash"), createdAt: row.requiredDate("created_at"))
    }
}

extension Source {
    init(row: some StoredRow) {
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), name: row.string("name"),
            type: SourceType(rawValue: row.string("type")) ?? .webhook, verification: row.json("verification"),
            eventNamePrefix: row.text("event_name_prefix"), settings: InboundSettings(json: row.json("settings")), writeKey: row.text("write_key"),
            createdAt: row.requiredDate("created_at"), updatedAt: row.requiredDate("updated_at"))
    }
}

extension Source {
    /// The `settings` column: null when the source has none.
    var storedSettings: String? {
        settings.isEmpty ? nil : JSONCoding.string(settings.json)
    }
}

extension EventTypeRecord {
    init(row: some StoredRow) {
        self.init(
            workspaceId: row.string("workspace_id"), name: row.string("name"), description: row.text("description"),
            schema: row.json("schema"), createdAt: row.requiredDate("created_at"))
    }
}

extension Destination {
    init(row: some StoredRow) {
        let batching = row.json("batching")
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), name: row.string("name"), url: row.string("url"),
            method: HTTPMethodName(rawValue: row.string("method")) ?? .post,
            headers: (row.json("headers")?.objectValue ?? [:]).compactMapValues(\.stringValue),
            signing: SigningScheme(rawValue: row.string("signing")) ?? .standardWebhooks, secret: row.string("secret"),
            previousSecret: row.text("previous_secret"), previousSecretExpiresAt: row.date("previous_secret_expires_at"),
            timeoutMs: row.int("timeout_ms") ?? 10_000,
            retrySchedule: (row.json("retry_schedule")?.arrayValue ?? []).compactMap { $0.numberValue.map { Int($0) } },
            rateLimitPerSecond: row.int("rate_limit_per_second"), maxConcurrency: row.int("max_concurrency"),
            batching: batching.flatMap { value in
                guard let size = value["maxSize"]?.numberValue, let wait = value["maxWaitMs"]?.numberValue else { return nil }
                let combine = value["combine"]?.stringValue.flatMap(BatchCombine.init(rawValue:)) ?? .array
                return Batching(maxSize: Int(size), maxWaitMs: Int(wait), combine: combine)
            },
            ordering: Ordering(rawValue: row.string("ordering")) ?? .none, activeFrom: row.date("active_from"),
            enabled: row.flag("enabled"), disabledReason: row.text("disabled_reason"), createdAt: row.requiredDate("created_at"),
            updatedAt: row.requiredDate("updated_at"), connector: row.text("connector"))
    }

    /// The columns after `id, workspace_id`, in table order.
    var columnValues: [ColumnValue] {
        let batching = batching.map {
            JSONValue.object(["maxSize": .int(Int64($0.maxSize)), "maxWaitMs": .int(Int64($0.maxWaitMs)), "combine": .string($0.combine.rawValue)])
        }
        return [
            .text(name), .text(url), .text(method.rawValue), .json(.object(headers.mapValues(JSONValue.string))), .text(signing.rawValue),
            .text(secret), .text(previousSecret), .date(previousSecretExpiresAt), .int(timeoutMs),
            .json(.array(retrySchedule.map { .int(Int64($0)) })), .int(rateLimitPerSecond), .int(maxConcurrency), .json(batching),
            .text(ordering.rawValue), .date(activeFrom), .flag(enabled), .text(disabledReason), .date(createdAt), .date(updatedAt),
            .text(connector),
        ]
    }
}

extension Subscription {
    /// Nil only if a stored condition or mapping no longer parses (never written so).
    init?(row: some StoredRow) {
        let parsedCondition: Condition?
        let parsedMapping: Mapping?
        do {
            parsedCondition = try row.json("condition").map { value throws(ValidationError) in try Condition(json: value) }
            parsedMapping = try row.json("mapping").map { value throws(ValidationError) in try Mapping(json: value) }
        } catch {
            return nil
        }
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), destinationId: row.string("destination_id"), name: row.string("name"),
            eventNames: (row.json("event_names")?.arrayValue ?? []).compactMap(\.stringValue), condition: parsedCondition,
            mapping: parsedMapping, format: BodyFormat(rawValue: row.string("format")) ?? .event, enabled: row.flag("enabled"),
            createdAt: row.requiredDate("created_at"), updatedAt: row.requiredDate("updated_at"), connector: row.text("connector"))
    }

    /// The changeable columns, from `destination_id` to `updated_at`.
    var columnValues: [ColumnValue] {
        [
            .text(destinationId), .text(name), .json(.array(eventNames.map(JSONValue.string))), .json(condition?.json), .json(mapping?.json),
            .text(format.rawValue), .flag(enabled), .date(updatedAt), .text(connector),
        ]
    }
}

/// An event's columns as stored, its message still JSON text: parsed later, off the database's thread.
struct RawEvent: Sendable {
    /// The columns of an event joined as `e`, prefixed `e_` as `init(row:prefix:)` reads them.
    static let joinedColumns = """
        e.id AS e_id, e.workspace_id AS e_workspace_id, e.source_id AS e_source_id, e.message_id AS e_message_id,
        e.type AS e_type, e.name AS e_name, e.user_id AS e_user_id, e.anonymous_id AS e_anonymous_id,
        e.received_at AS e_received_at, e.message AS e_message, e.trace_parent AS e_trace_parent
        """

    var id, workspaceId, sourceId, messageId, type, name: String
    var userId, anonymousId: String?
    var receivedAt: Int64
    var message: String
    var traceParent: String?

    init(row: some StoredRow, prefix: String) {
        id = row.string(prefix + "id")
        workspaceId = row.string(prefix + "workspace_id")
        sourceId = row.string(prefix + "source_id")
        messageId = row.string(prefix + "message_id")
        type = row.string(prefix + "type")
        name = row.string(prefix + "name")
        userId = row.text(prefix + "user_id")
        anonymousId = row.text(prefix + "anonymous_id")
        receivedAt = row.integer(prefix + "received_at") ?? 0
        message = row.string(prefix + "message")
        traceParent = row.text(prefix + "trace_parent")
    }
}

extension Event {
    init(raw: RawEvent) {
        self.init(
            id: raw.id, workspaceId: raw.workspaceId, sourceId: raw.sourceId, type: EventType(rawValue: raw.type) ?? .track, name: raw.name,
            messageId: raw.messageId, userId: raw.userId, anonymousId: raw.anonymousId, receivedAt: Date(milliseconds: raw.receivedAt),
            message: (try? JSONCoding.parse(Array(raw.message.utf8), maximumDepth: .max))?.objectValue ?? [:], traceParent: raw.traceParent)
    }

    init(row: some StoredRow) {
        self.init(raw: RawEvent(row: row, prefix: ""))
    }

    /// The columns of `events`, in table order.
    var columnValues: [ColumnValue] {
        [
            .text(id), .text(workspaceId), .text(sourceId), .text(messageId), .text(type.rawValue), .text(name), .text(userId),
            .text(anonymousId), .date(receivedAt), .json(.object(message)), .text(traceParent),
        ]
    }
}

extension Delivery {
    init(row: some StoredRow) {
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), eventId: row.string("event_id"),
            subscriptionId: row.string("subscription_id"), destinationId: row.string("destination_id"),
            status: DeliveryStatus(rawValue: row.string("status")) ?? .pending, attemptCount: row.int("attempt_count") ?? 0,
            nextAttemptAt: row.date("next_attempt_at"), createdAt: row.requiredDate("created_at"))
    }
}

extension Attempt {
    init(row: some StoredRow) {
        self.init(
            number: row.int("number") ?? 0, at: row.requiredDate("at"), durationMs: row.int("duration_ms") ?? 0,
            responseStatus: row.int("response_status"), responseBody: row.text("response_body"),
            error: row.text("error").flatMap(DeliveryErrorKind.init(rawValue:)))
    }
}
