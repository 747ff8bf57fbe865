import Foundation
import SwitchboardCore

/// A profile in its workspace: how profiles are locked, read and written.
struct ProfileRef: Hashable, Sendable {
    var workspaceId: String
    var key: ProfileKey

    /// One string per profile across workspaces: what locks are taken on.
    var lockName: String { workspaceId + "/" + key.stored }
}

/// A profile to write, and the anonymous ids that are new to it (only those need pointing at it).
struct ProfileWrite: Sendable {
    var profile: Profile
    var newAnonymousIds: [String]
}

/// A change of audience membership to write.
struct MembershipChange: Sendable {
    var audienceId: String
    var profile: ProfileRef
    var userId: String?
    var isMember: Bool
    var at: Date
}

/// What profile updates ask of one database transaction: rows in, rows out, no decisions.
protocol ProfileTransaction: Sendable {
    var identifiers: IdentifierGenerator { get }
    /// Holds these profiles for the rest of the transaction, so that two nodes changing one
    /// profile apply their events one after the other (taken in one fixed order: no deadlock).
    func lockProfiles(_ profiles: Set<ProfileRef>) async throws
    func profiles(_ refs: Set<ProfileRef>) async throws -> [ProfileRef: Profile]
    /// The profile each anonymous id was merged into, where it was.
    func identityOwners(workspaceId: String, anonymousIds: Set<String>) async throws -> [String: ProfileKey]
    /// Writes the profiles (their new anonymous ids point at them from then on), and deletes the
    /// absorbed ones.
    func saveProfiles(_ profiles: [ProfileWrite], deleting: [ProfileRef]) async throws
    /// The audiences not deleted of each workspace.
    func liveAudiences(workspaceIds: Set<String>) async throws -> [String: [Audience]]
    func applyMemberships(_ changes: [MembershipChange]) async throws
    /// Profiles whose counts are due to drop by `now`, oldest due first (not locked: the sweep
    /// locks them as ingest does, in the same order).
    func dueExpiries(now: Date, limit: Int) async throws -> [ProfileRef]
    /// The keys of a page of a workspace's profiles after `cursor` (a stored key), in key order.
    func profilePage(workspaceId: String, after cursor: String?, limit: Int) async throws -> [ProfileKey]
    /// Records a build's progress; nil `cursor` with `finished` marks the audience ready.
    func recordBuildProgress(audienceId: String, cursor: String?, processed: Int, finished: Bool, now: Date) async throws
    /// The events of these users with these names received in `[since, until)`: what a build counts.
    func events(workspaceId: String, userIds: [String], names: Set<String>, since: Date, until: Date) async throws -> [Event]
}

/// An audience being built over existing profiles.
struct PendingBuild: Sendable {
    var audience: Audience
    /// The last profile key done; nil before the first page.
    var cursor: String?
    var processed: Int
    var startedAt: Date
}
