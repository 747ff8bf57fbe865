import Foundation

/// Whether an audience's members have been computed since its condition was last set.
public enum AudienceStatus: String, Sendable, CaseIterable {
    case building
    case ready
}

/// A condition over profiles (traits and event counts); its members enter and leave as profiles change.
public struct Audience: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    /// Stable handle that subscriptions match on (`properties.audienceKey`); never changes.
    public var key: String
    public var name: String
    public var condition: AudienceCondition {
        didSet { (countLeaves, profileFields, countRetention) = (condition.counts, condition.profileFields, condition.countRetention) }
    }
    /// The condition's count leaves and the profile fields it reads, worked out once: every event
    /// of the workspace asks.
    public private(set) var countLeaves: [AudienceCondition.EventCount]
    public private(set) var profileFields: Set<String>
    public private(set) var countRetention: [String: Int]
    /// The condition as the user wrote it, to show back.
    public var conditionJSON: JSONValue
    /// Whether the first build emits `Audience Entered` for everyone already in (else it starts silently).
    public var emitOnBuild: Bool
    public var status: AudienceStatus
    public var memberCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public static let maximumKeyLength = 100

    public init(
        id: String, workspaceId: String, key: String, name: String, condition: AudienceCondition, conditionJSON: JSONValue,
        emitOnBuild: Bool = false, status: AudienceStatus = .building, memberCount: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.key = key
        self.name = name
        self.condition = condition
        (countLeaves, profileFields, countRetention) = (condition.counts, condition.profileFields, condition.countRetention)
        self.conditionJSON = conditionJSON
        self.emitOnBuild = emitOnBuild
        self.status = status
        self.memberCount = memberCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A new audience from a create request: building, no members yet.
    public init(id: String, workspaceId: String, fields: AudienceFields, now: Date) {
        self.init(
            id: id, workspaceId: workspaceId, key: fields.key, name: fields.name, condition: fields.condition, conditionJSON: fields.conditionJSON,
            emitOnBuild: fields.emitOnBuild, status: .building, memberCount: 0, createdAt: now, updatedAt: now)
    }

    /// 1-100 characters of `[A-Za-z0-9_.-]`: safe in URLs, conditions and templates as it is.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= maximumKeyLength
            && key.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
                default: byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                }
            }
    }

    /// The audience as the API shows it.
    public var document: JSONValue {
        [
            "id": .string(id), "key": .string(key), "name": .string(name), "condition": conditionJSON, "emitOnBuild": .bool(emitOnBuild),
            "status": .string(status.rawValue), "memberCount": .int(Int64(memberCount)),
            "createdAt": .string(Timestamp.format(createdAt)), "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
    }
}

/// An audience's writable fields, read from a create or PATCH body.
public struct AudienceFields: Sendable, Equatable {
    public var key: String
    public var name: String
    public var condition: AudienceCondition
    public var conditionJSON: JSONValue
    public var emitOnBuild: Bool

    public init(create json: JSONValue) throws(ValidationError) {
        let fields = try JSONObjectReader(json)
        key = try Self.key(fields)
        name = try fields.requiredString("name")
        guard let conditionJSON = fields.fields["condition"], !conditionJSON.isNull else {
            throw ValidationError(field: "condition", "condition is required")
        }
        condition = try AudienceCondition(validating: conditionJSON, path: "condition")
        self.conditionJSON = conditionJSON
        emitOnBuild = try fields.bool("emitOnBuild") ?? false
    }

    /// A PATCH: absent fields keep `current`'s values; the key may be repeated but not changed.
    public init(patch json: JSONValue, current: Audience) throws(ValidationError) {
        let fields = try JSONObjectReader(json)
        if let given = fields.fields["key"], given != .string(current.key) {
            throw ValidationError(field: "key", "an audience's key cannot be changed")
        }
        key = current.key
        name = try fields.contains("name") ? fields.requiredString("name") : current.name
        if let conditionJSON = fields.fields["condition"] {
            condition = try AudienceCondition(validating: conditionJSON, path: "condition")
            self.conditionJSON = conditionJSON
        } else {
            condition = current.condition
            conditionJSON = current.conditionJSON
        }
        emitOnBuild = try fields.bool("emitOnBuild") ?? current.emitOnBuild
    }

    private static func key(_ fields: JSONObjectReader) throws(ValidationError) -> String {
        let key = try fields.requiredString("key", maximumLength: Audience.maximumKeyLength)
        guard Audience.isValidKey(key) else {
            throw ValidationError(field: "key", "key must be 1-\(Audience.maximumKeyLength) characters of letters, digits, \"_\", \".\" and \"-\"")
        }
        return key
    }

    /// `audience` with these fields, updated at `now`; a changed condition sends it back to building.
    public func applied(to audience: Audience, now: Date) -> Audience {
        var updated = audience
        updated.name = name
        if conditionJSON != audience.conditionJSON { updated.status = .building }
        updated.condition = condition
        updated.conditionJSON = conditionJSON
        updated.emitOnBuild = emitOnBuild
        updated.updatedAt = now
        return updated
    }
}

/// `Audience Entered` / `Audience Exited` (Segment's names), routed like any other event.
public enum AudienceEvents {
    public static let enteredName = "Audience Entered"
    public static let exitedName = "Audience Exited"

    /// A profile joined the audience. `sequence` tells apart transitions of one profile within one millisecond.
    public static func entered(
        _ audience: Audience, userId: String?, anonymousId: String?, at now: Date, sequence: String, id: String
    ) -> Event {
        event(enteredName, prefix: "audience-entered", audience, userId: userId, anonymousId: anonymousId, at: now, sequence: sequence, id: id)
    }

    /// A profile left the audience.
    public static func exited(
        _ audience: Audience, userId: String?, anonymousId: String?, at now: Date, sequence: String, id: String
    ) -> Event {
        event(exitedName, prefix: "audience-exited", audience, userId: userId, anonymousId: anonymousId, at: now, sequence: sequence, id: id)
    }

    private static func event(
        _ name: String, prefix: String, _ audience: Audience, userId: String?, anonymousId: String?, at now: Date, sequence: String, id: String
    ) -> Event {
        let milliseconds = Int64(flooringSaturating: now.timeIntervalSince1970 * 1000) ?? 0
        // Time first: the (source, messageId) index takes new ids at its end, not at a random page.
        let messageId = "\(prefix)-\(milliseconds)-\(audience.id)-\(profileId(userId: userId, anonymousId: anonymousId))-\(sequence)"
        var message: [String: JSONValue] = [
            "type": "track", "event": .string(name), "messageId": .string(messageId),
            "properties": ["audienceKey": .string(audience.key), "audienceName": .string(audience.name)],
            "timestamp": .string(Timestamp.format(now)), "receivedAt": .string(Timestamp.format(now)),
        ]
        if let userId { message["userId"] = .string(userId) }
        if let anonymousId { message["anonymousId"] = .string(anonymousId) }
        return Event(
            id: id, workspaceId: audience.workspaceId, sourceId: SystemEvents.sourceId, type: .track, name: name, messageId: messageId,
            userId: userId, anonymousId: anonymousId, receivedAt: now, message: message)
    }

    /// The id a system event names its profile by: the user id, else the anonymous id.
    static func profileId(userId: String?, anonymousId: String?) -> String {
        if let userId, !userId.isEmpty { return userId }
        return anonymousId ?? ""
    }
}
