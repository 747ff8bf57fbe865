import Foundation
import Synchronization
import SwitchboardCore

extension Profile {
    init?(row: some StoredRow) {
        guard let key = ProfileKey(stored: row.string("profile_key")) else { return nil }
        self.init(
            key: key, workspaceId: row.string("workspace_id"),
            anonymousIds: (row.json("anonymous_ids")?.arrayValue ?? []).compactMap(\.stringValue),
            traits: row.json("traits")?.objectValue ?? [:], firstSeen: row.requiredDate("first_seen"), lastSeen: row.requiredDate("last_seen"),
            audienceIds: (row.json("audience_ids")?.arrayValue ?? []).compactMap(\.stringValue), counters: Profile.counters(from: row.json("counters")),
            nextExpiry: row.date("next_expiry"))
    }

    /// The columns of `profiles`, in table order.
    var columnValues: [ColumnValue] {
        [
            .text(workspaceId), .text(key.stored), .text(key.userId), .json(.array(anonymousIds.map(JSONValue.string))), .json(.object(traits)),
            .json(.array(audienceIds.map(JSONValue.string))), .json(countersDocument), .date(firstSeen), .date(lastSeen), .date(nextExpiry),
        ]
    }

    var ref: ProfileRef { ProfileRef(workspaceId: workspaceId, key: key) }
}

extension Audience {
    /// Nil only if a stored condition no longer parses (never written so).
    init?(row: some StoredRow, memberCount: Int = 0) {
        guard let (json, condition) = ParsedAudienceConditions.parse(row.string("condition")) else { return nil }
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), key: row.string("key"), name: row.string("name"),
            condition: condition, conditionJSON: json, emitOnBuild: row.flag("emit_on_build"),
            status: AudienceStatus(rawValue: row.string("status")) ?? .ready, memberCount: memberCount,
            createdAt: row.requiredDate("created_at"), updatedAt: row.requiredDate("updated_at"))
    }
}

/// Audience conditions parsed from their stored text, kept: every ingest transaction reads every
/// audience of its workspaces, and parsing is most of the cost of that.
enum ParsedAudienceConditions {
    private static let parsed = Mutex<[String: (JSONValue, AudienceCondition)]>([:])
    private static let limit = 10_000

    static func parse(_ text: String) -> (JSONValue, AudienceCondition)? {
        if let known = parsed.withLock({ $0[text] }) { return known }
        guard let json = try? JSONCoding.parse(Array(text.utf8), maximumDepth: .max), let condition = try? AudienceCondition(validating: json) else {
            return nil
        }
        parsed.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[text] = (json, condition)
        }
        return (json, condition)
    }
}

/// How far an audience's build has come.
public struct AudienceBuild: Sendable, Equatable {
    public var processed: Int
    public var total: Int

    public init(processed: Int, total: Int) {
        self.processed = processed
        self.total = total
    }
}
