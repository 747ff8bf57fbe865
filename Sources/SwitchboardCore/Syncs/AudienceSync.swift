import Foundation

/// How a sync tells a destination about an audience.
public enum SyncMode: String, Sendable, CaseIterable {
    /// Only who joined and who left since the last successful run.
    case diff
    /// Every member, every run (for destinations that replace the list).
    case full
}

/// An audience pushed to a destination, on demand or every `intervalSeconds`.
public struct AudienceSync: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var audienceId: String
    public var destinationId: String
    /// Seconds between runs; nil runs only when asked (`POST /v1/syncs/{id}/run`).
    public var intervalSeconds: Int?
    public var mode: SyncMode
    /// Ids per request.
    public var batchSize: Int
    /// Templates for the requests; its roots are a batch message's fields (`SyncPlanner.message`).
    public var mapping: Mapping?
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// The connector that installed it, nil for others.
    public var connector: String?

    public static let minimumIntervalSeconds = 60
    /// One year: longer is no schedule anyone means.
    public static let maximumIntervalSeconds = 31_536_000
    public static let defaultBatchSize = 1_000
    public static let maximumBatchSize = 10_000

    public init(
        id: String, workspaceId: String, audienceId: String, destinationId: String, intervalSeconds: Int?, mode: SyncMode = .diff,
        batchSize: Int = AudienceSync.defaultBatchSize, mapping: Mapping?, enabled: Bool = true, createdAt: Date, updatedAt: Date,
        connector: String? = nil
    ) {
        self.connector = connector
        self.id = id
        self.workspaceId = workspaceId
        self.audienceId = audienceId
        self.destinationId = destinationId
        self.intervalSeconds = intervalSeconds
        self.mode = mode
        self.batchSize = batchSize
        self.mapping = mapping
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A new sync from a create request.
    public init(id: String, workspaceId: String, fields: SyncFields, now: Date) {
        self.init(
            id: id, workspaceId: workspaceId, audienceId: fields.audienceId, destinationId: fields.destinationId, intervalSeconds: fields.intervalSeconds,
            mode: fields.mode, batchSize: fields.batchSize, mapping: fields.mapping, enabled: fields.enabled, createdAt: now, updatedAt: now)
    }

    /// The sync as the API shows it (storage adds `lastRun`).
    public var document: JSONValue {
        [
            "id": .string(id), "audienceId": .string(audienceId), "destinationId": .string(destinationId),
            "intervalSeconds": intervalSeconds.map { .int(Int64($0)) } ?? .null, "mode": .string(mode.rawValue),
            "batchSize": .int(Int64(batchSize)), "mapping": mapping?.json ?? .null, "enabled": .bool(enabled),
            "connector": connector.map(JSONValue.string) ?? .null, "createdAt": .string(Timestamp.format(createdAt)), "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
    }

    /// Whether the mapping reads the `cohortChanges` root: only then is it added to each batch's message.
    public var mentionsCohortChanges: Bool {
        mapping.map { JSONCoding.string($0.json).contains("cohortChanges") } ?? false
    }

    /// The keys that make an object a full mapping; any other object is a body template on its own.
    public static let mappingKeys: Set<String> = ["url", "method", "headers", "body"]

    /// A sync's mapping: `{url?, method?, headers?, body?}`, or any other object as the body alone
    /// (Braze's `{"cohort_id", "cohort_changes"}` as written). `json` keeps what the user wrote.
    /// `validating` holds request input to `Mapping.Limits`; storage reads back without it.
    public static func mapping(_ json: JSONValue, path: String = "mapping", validating: Bool = true) throws(ValidationError) -> Mapping {
        guard let object = json.objectValue, !object.keys.allSatisfy(mappingKeys.contains) else {
            return try validating ? Mapping(validating: json, path: path) : Mapping(json: json, path: path)
        }
        var mapping: Mapping
        do throws(ValidationError) {
            mapping = try validating ? Mapping(validating: ["body": json], path: path) : Mapping(json: ["body": json], path: path)
        } catch {
            // Name the field where the user wrote it: the body is the mapping itself.
            var error = error
            if let field = error.field, field.hasPrefix(path + ".body") { error.field = path + field.dropFirst(path.count + 5) }
            throw error
        }
        mapping.json = json
        return mapping
    }
}

/// A sync's writable fields, read from a create or PATCH body.
public struct SyncFields: Sendable, Equatable {
    public var audienceId: String
    public var destinationId: String
    public var intervalSeconds: Int?
    public var mode: SyncMode
    public var batchSize: Int
    public var mapping: Mapping?
    public var enabled: Bool

    public init(create json: JSONValue) throws(ValidationError) {
        let fields = try JSONObjectReader(json)
        audienceId = try fields.requiredString("audienceId")
        destinationId = try fields.requiredString("destinationId")
        intervalSeconds = try Self.interval(fields)
        mode = try fields.enumeration("mode", as: SyncMode.self) ?? .diff
        batchSize = try Self.batchSize(fields) ?? AudienceSync.defaultBatchSize
        mapping = try Self.mapping(fields)
        enabled = try fields.bool("enabled") ?? true
    }

    /// A PATCH: absent fields keep `current`'s values; null clears `intervalSeconds` (manual only) and `mapping`.
    public init(patch json: JSONValue, current: AudienceSync) throws(ValidationError) {
        let fields = try JSONObjectReader(json)
        audienceId = try fields.contains("audienceId") ? fields.requiredString("audienceId") : current.audienceId
        destinationId = try fields.contains("destinationId") ? fields.requiredString("destinationId") : current.destinationId
        intervalSeconds = try fields.contains("intervalSeconds") ? Self.interval(fields) : current.intervalSeconds
        mode = try fields.enumeration("mode", as: SyncMode.self) ?? current.mode
        batchSize = try Self.batchSize(fields) ?? current.batchSize
        mapping = try fields.contains("mapping") ? Self.mapping(fields) : current.mapping
        enabled = try fields.bool("enabled") ?? current.enabled
    }

    /// `sync` with these fields, updated at `now`.
    public func applied(to sync: AudienceSync, now: Date) -> AudienceSync {
        var updated = sync
        updated.audienceId = audienceId
        updated.destinationId = destinationId
        updated.intervalSeconds = intervalSeconds
        updated.mode = mode
        updated.batchSize = batchSize
        updated.mapping = mapping
        updated.enabled = enabled
        updated.updatedAt = now
        return updated
    }

    private static func interval(_ fields: JSONObjectReader) throws(ValidationError) -> Int? {
        let range = AudienceSync.minimumIntervalSeconds...AudienceSync.maximumIntervalSeconds
        switch fields.fields["intervalSeconds"] {
        case nil, .null?: return nil
        case .int(let value)? where value >= Int64(range.lowerBound) && value <= Int64(range.upperBound): return Int(value)
        default:
            throw ValidationError(
                field: "intervalSeconds",
                "intervalSeconds must be a whole number of seconds from \(range.lowerBound) (the minimum, 60 s) to \(range.upperBound) (a year), "
                    + "or null to run only on demand")
        }
    }

    private static func batchSize(_ fields: JSONObjectReader) throws(ValidationError) -> Int? {
        let range = 1...AudienceSync.maximumBatchSize
        switch fields.fields["batchSize"] {
        case nil, .null?: return nil
        case .int(let value)? where value >= Int64(range.lowerBound) && value <= Int64(range.upperBound): return Int(value)
        default: throw ValidationError(field: "batchSize", "batchSize must be a whole number from 1 to \(range.upperBound)")
        }
    }

    private static func mapping(_ fields: JSONObjectReader) throws(ValidationError) -> Mapping? {
        guard let json = fields.fields["mapping"], !json.isNull else { return nil }
        return try AudienceSync.mapping(json, path: "mapping")
    }
}

public enum SyncRunStatus: String, Sendable, CaseIterable {
    case running, succeeded, failed
}

/// One run of a sync: what it sent and how it ended.
public struct SyncRun: Sendable, Equatable {
    public var id: String
    public var syncId: String
    public var workspaceId: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: SyncRunStatus
    public var added: Int
    public var removed: Int
    public var requests: Int
    public var error: String?

    public init(
        id: String, syncId: String, workspaceId: String, startedAt: Date, finishedAt: Date? = nil, status: SyncRunStatus = .running,
        added: Int = 0, removed: Int = 0, requests: Int = 0, error: String? = nil
    ) {
        self.id = id
        self.syncId = syncId
        self.workspaceId = workspaceId
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.added = added
        self.removed = removed
        self.requests = requests
        self.error = error
    }

    public var document: JSONValue {
        [
            "id": .string(id), "startedAt": .string(Timestamp.format(startedAt)), "finishedAt": finishedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "status": .string(status.rawValue), "added": .int(Int64(added)), "removed": .int(Int64(removed)), "requests": .int(Int64(requests)),
            "error": error.map(JSONValue.string) ?? .null,
        ]
    }
}
