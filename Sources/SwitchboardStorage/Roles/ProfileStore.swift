import Foundation
import SwitchboardCore

/// Customer profiles as the API reads them (ingest writes them, inside its transaction).
public protocol ProfileStore: Sendable {
    /// The profile of a user id, or of an anonymous id (the user's profile it was merged into).
    func profile(workspaceId: String, id: String) async throws -> ProfileView?
    /// Profiles in key order; `audienceId` lists only its members, `search` matches the user id
    /// or a trait value by prefix.
    func listProfiles(workspaceId: String, audienceId: String?, search: String?, page: PageRequest) async throws -> Page<ProfileView>
}

/// A profile with the keys of the audiences it is in.
public struct ProfileView: Sendable, Equatable {
    public var profile: Profile
    public var audienceKeys: [String]

    public init(profile: Profile, audienceKeys: [String]) {
        self.profile = profile
        self.audienceKeys = audienceKeys
    }

    /// `{userId, anonymousIds, traits, firstSeen, lastSeen, audiences}`.
    public var document: JSONValue {
        guard case .object(var fields) = profile.document else { return profile.document }
        fields["audiences"] = .array(audienceKeys.map(JSONValue.string))
        return .object(fields)
    }
}

/// Audiences: conditions over profiles, built in the background and kept up to date as events come.
public protocol AudienceStore: Sendable {
    /// Stores a new audience, building (`status` building) over the profiles that exist; a key the
    /// workspace has or had is a conflict.
    func createAudience(_ audience: Audience, now: Date) async throws
    func audience(id: String, workspaceId: String) async throws -> AudienceView?
    func listAudiences(workspaceId: String, page: PageRequest) async throws -> Page<AudienceView>
    /// Saves name, condition and `emitOnBuild`; a changed condition builds the audience again.
    func updateAudience(_ audience: Audience, rebuild: Bool, now: Date) async throws -> Bool
    /// Deletes it and its memberships; its key stays taken.
    func deleteAudience(id: String, workspaceId: String, now: Date) async throws -> Bool
}

/// An audience with its member count and, while building, its progress.
public struct AudienceView: Sendable, Equatable {
    public var audience: Audience
    public var memberCount: Int
    public var build: AudienceBuild?

    public var document: JSONValue {
        guard case .object(var fields) = audience.document else { return audience.document }
        fields["memberCount"] = .int(Int64(memberCount))
        if let build {
            fields["progress"] = ["processed": .int(Int64(build.processed)), "total": .int(Int64(build.total))]
        }
        return .object(fields)
    }
}

/// What keeps audiences current without events: builds over existing profiles, and counts whose
/// time window passed. Each call does one bounded step, in one transaction.
public protocol AudienceMaintenance: Sendable {
    /// Re-evaluates up to `limit` profiles whose counts dropped by `now`; returns how many.
    func expireCounts(now: Date, limit: Int) async throws -> Int
    /// Builds one page of the oldest building audience; false when none is building.
    func buildAudiences(now: Date, pageSize: Int) async throws -> Bool
}

extension QueueBackend {
    public func expireCounts(now: Date, limit: Int) async throws -> Int {
        try await transaction(.bookkeeping) { transaction in
            let step = try await Self.expireCounts(now: now, limit: limit, in: transaction)
            if !step.emitted.isEmpty { _ = try await Self.emit(step.emitted, in: transaction) }
            return step.processed
        }
    }

    public func buildAudiences(now: Date, pageSize: Int) async throws -> Bool {
        try await transaction(.bookkeeping) { transaction in
            let step = try await Self.buildAudiencePage(now: now, pageSize: pageSize, in: transaction)
            if !step.emitted.isEmpty { _ = try await Self.emit(step.emitted, in: transaction) }
            return step.more
        }
    }
}
