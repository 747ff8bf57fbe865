import Foundation
import SwitchboardCore

/// An event Switchboard emits for a profile (`Audience Entered`, a date trigger), and the
/// profile as it stands, which the event's profile-reading subscriptions are matched against.
struct ProfileEvent: Sendable {
    var event: Event
    /// Nil for events of no profile (`Destination Disabled`).
    var profile: Profile?
}

// Profiles and audiences, written once for every backend: the transaction fetches and writes
// rows, the planners in the core decide.
extension QueueBackend {
    /// Applies newly stored events to their profiles, in the order received, and re-evaluates the
    /// audiences each can affect; matches each event's profile-reading subscriptions against its
    /// profile as it stands after it. Returns the `Audience Entered`/`Exited` events to emit.
    static func updateProfiles(_ routed: inout [RoutedEvent], in transaction: Transaction) async throws -> [ProfileEvent] {
        var plans = routed.map { ProfilePlanner.plan($0.event) }
        guard plans.contains(where: { $0 != nil }) else {
            for index in routed.indices { routed[index].matchProfileCandidates(profile: nil) }
            return []
        }
        try await resolveOwners(&plans, routed: routed, in: transaction)
        var refs = Set<ProfileRef>()
        for (plan, item) in zip(plans, routed) {
            guard let plan else { continue }
            refs.insert(ProfileRef(workspaceId: item.event.workspaceId, key: plan.target))
            if let absorbs = plan.absorbs { refs.insert(ProfileRef(workspaceId: item.event.workspaceId, key: absorbs)) }
        }
        try await transaction.lockProfiles(refs)
        var profiles = try await transaction.profiles(refs)
        let audiences = try await transaction.liveAudiences(workspaceIds: Set(routed.map(\.event.workspaceId))).mapValues(AudienceEvaluator.Context.init)
        let triggers = try await dateTriggers(workspaceIds: Set(routed.map(\.event.workspaceId)), in: transaction)
        // (profile, trigger id) whose trait changed: re-armed from the profile as the batch leaves it.
        var rearm: [ProfileRef: Set<String>] = [:]

        var changes = ProfileChanges(stored: profiles)
        // Anonymous profiles merged earlier in this batch: later events of theirs go to the user.
        var mergedInto: [ProfileRef: ProfileRef] = [:]
        for index in routed.indices {
            let event = routed[index].event
            guard var plan = plans[index] else {
                routed[index].matchProfileCandidates(profile: nil)
                continue
            }
            let workspaceId = event.workspaceId
            if let owner = mergedInto[ProfileRef(workspaceId: workspaceId, key: plan.target)] {
                plan = ProfilePlanner.Plan(target: owner.key, absorbs: nil)
            }
            let target = ProfileRef(workspaceId: workspaceId, key: plan.target)
            let absorbedRef = plan.absorbs.map { ProfileRef(workspaceId: workspaceId, key: $0) }.flatMap { $0 == target || mergedInto[$0] != nil ? nil : $0 }
            let before = profiles[target]
            let absorbed = absorbedRef.flatMap { profiles[$0] }
            let applied = ProfilePlanner.apply(event, plan: plan, target: before, absorbed: absorbed)
            if let absorbedRef {
                mergedInto[absorbedRef] = target
                if let absorbed {
                    profiles[absorbedRef] = nil
                    changes.delete(absorbed)
                }
            }
            let outcome = AudienceEvaluator.evaluate(
                applied, change: .event(event, before: absorbed == nil ? before : nil), context: audiences[workspaceId] ?? .init([]), now: event.receivedAt)
            profiles[target] = outcome.profile
            for trigger in triggers[workspaceId] ?? [] where absorbed != nil || trigger.value(in: before?.traits ?? [:]) != trigger.value(in: applied.traits) {
                rearm[target, default: []].insert(trigger.id)
            }
            changes.save(outcome, cause: event.id, at: event.receivedAt, identifiers: transaction.identifiers)
            routed[index].matchProfileCandidates(profile: outcome.profile.document)
        }
        try await changes.write(in: transaction)
        try await rearmDateTriggers(rearm, profiles: profiles, triggers: triggers, deleted: changes.deleted, in: transaction)
        return changes.emitted
    }

    private static func rearmDateTriggers(
        _ rearm: [ProfileRef: Set<String>], profiles: [ProfileRef: Profile], triggers: [String: [DateTrigger]], deleted: [ProfileRef],
        in transaction: Transaction
    ) async throws {
        for ref in deleted where !(triggers[ref.workspaceId] ?? []).isEmpty {
            try await transaction.execute(
                "DELETE FROM date_trigger_schedule WHERE workspace_id = ? AND profile_key = ?", [.text(ref.workspaceId), .text(ref.key.stored)])
        }
        var entries: [(profile: Profile, trigger: DateTrigger)] = []
        for (ref, ids) in rearm {
            guard let profile = profiles[ref] else { continue }
            entries += (triggers[ref.workspaceId] ?? []).filter { ids.contains($0.id) }.map { (profile, $0) }
        }
        if !entries.isEmpty { try await arm(entries, now: entries.map(\.profile.lastSeen).max() ?? Date(), in: transaction) }
    }

    /// Anonymous ids already merged into a user's profile stand for that profile.
    private static func resolveOwners(_ plans: inout [ProfilePlanner.Plan?], routed: [RoutedEvent], in transaction: Transaction) async throws {
        var anonymous: [String: Set<String>] = [:]
        for (plan, item) in zip(plans, routed) {
            for key in [plan?.target, plan?.absorbs].compactMap({ $0 }) {
                if case .anonymous(let id) = key { anonymous[item.event.workspaceId, default: []].insert(id) }
            }
        }
        guard !anonymous.isEmpty else { return }
        var owners: [String: [String: ProfileKey]] = [:]
        for (workspaceId, ids) in anonymous { owners[workspaceId] = try await transaction.identityOwners(workspaceId: workspaceId, anonymousIds: ids) }
        for index in plans.indices {
            guard let plan = plans[index], let workspaceOwners = owners[routed[index].event.workspaceId] else { continue }
            if case .anonymous(let id) = plan.target, let owner = workspaceOwners[id], owner != plan.target {
                plans[index] = ProfilePlanner.Plan(target: owner, absorbs: nil)
            } else if case .anonymous(let id)? = plan.absorbs, let owner = workspaceOwners[id], owner != .anonymous(id) {
                // Merged already (into this user, or another one it stays with).
                plans[index] = ProfilePlanner.Plan(target: plan.target, absorbs: nil)
            }
        }
    }

    /// Re-evaluates the count audiences of profiles whose counts dropped by `now` (the time-ordered
    /// expiry index, never a scan of profiles). Returns the events emitted.
    static func expireCounts(now: Date, limit: Int, in transaction: Transaction) async throws -> (processed: Int, emitted: [ProfileEvent]) {
        let due = try await transaction.dueExpiries(now: now, limit: limit)
        guard !due.isEmpty else { return (0, []) }
        try await transaction.lockProfiles(Set(due))
        let profiles = try await transaction.profiles(Set(due))
        let audiences = try await transaction.liveAudiences(workspaceIds: Set(due.map(\.workspaceId))).mapValues(AudienceEvaluator.Context.init)
        var changes = ProfileChanges(stored: profiles)
        for ref in due {
            guard let profile = profiles[ref] else { continue }
            let outcome = AudienceEvaluator.evaluate(profile, change: .clock, context: audiences[ref.workspaceId] ?? .init([]), now: now)
            changes.save(outcome, cause: "expiry-\(now.milliseconds)", at: now, identifiers: transaction.identifiers)
        }
        try await changes.write(in: transaction)
        return (due.count, changes.emitted)
    }

    /// Builds one page of the building audience furthest behind over existing profiles, and of every
    /// other audience of its workspace at the same point (created together, built in one pass);
    /// false when none is building. Counts come from the events the profiles' user ids carry,
    /// received before each build began (later ones were counted as they came).
    static func buildAudiencePage(now: Date, pageSize: Int, in transaction: Transaction) async throws -> (more: Bool, emitted: [ProfileEvent]) {
        let builds = try await nextBuilds(in: transaction)
        guard let first = builds.first else { return (false, []) }
        let workspaceId = first.audience.workspaceId
        let keys = try await transaction.profilePage(workspaceId: workspaceId, after: first.cursor, limit: pageSize)
        let refs = keys.map { ProfileRef(workspaceId: workspaceId, key: $0) }
        try await transaction.lockProfiles(Set(refs))
        let profiles = try await transaction.profiles(Set(refs))
        let context = AudienceEvaluator.Context(try await transaction.liveAudiences(workspaceIds: [workspaceId])[workspaceId] ?? [])
        let leaves = builds.flatMap { build in build.audience.countLeaves.map { (leaf: $0, startedAt: build.startedAt) } }
        var history: [String: [Event]] = [:]
        let userIds = profiles.values.compactMap(\.key.userId)
        if let latest = leaves.map(\.startedAt).max(), let earliest = leaves.map({ $0.startedAt.addingTimeInterval(-$0.leaf.window) }).min(), !userIds.isEmpty {
            for event in try await transaction.events(
                workspaceId: workspaceId, userIds: userIds, names: Set(leaves.map(\.leaf.event)), since: earliest, until: latest)
            {
                history[event.userId ?? "", default: []].append(event)
            }
        }
        var changes = ProfileChanges(stored: profiles)
        for ref in refs {
            guard var profile = profiles[ref] else { continue }
            for (leaf, startedAt) in leaves {
                let counted = (history[profile.key.userId ?? ""] ?? []).filter {
                    $0.name == leaf.event && $0.receivedAt < startedAt && (leaf.filter?.matches($0.document) ?? true)
                }
                let since = (profile.counters[leaf.signature] ?? []).filter { $0 >= startedAt }
                let limit = context.retention[leaf.signature] ?? AudienceEvaluator.maximumCountedEvents
                let times = (counted.map(\.receivedAt) + since).sorted().suffix(limit)
                // No events, no entry: a counter that was never touched is not written into every profile.
                profile.counters[leaf.signature] = times.isEmpty ? nil : Array(times)
            }
            let outcome = AudienceEvaluator.evaluate(profile, change: .build(Set(builds.map(\.audience.id))), context: context, now: now)
            let emitting = Set(builds.filter(\.audience.emitOnBuild).map(\.audience.id))
            changes.save(
                outcome, cause: "build-\(first.startedAt.milliseconds)", at: now, identifiers: transaction.identifiers, emitting: { emitting.contains($0.id) })
        }
        try await changes.write(in: transaction)
        for build in builds {
            try await transaction.recordBuildProgress(
                audienceId: build.audience.id, cursor: keys.last?.stored, processed: build.processed + keys.count, finished: keys.count < pageSize, now: now)
        }
        return (true, changes.emitted)
    }

    /// The building audience furthest behind, and the others of its workspace at the same point:
    /// the one behind catches up, then they move together (audiences created one after another
    /// cost one pass over the profiles, not one each).
    private static func nextBuilds(in transaction: Transaction) async throws -> [PendingBuild] {
        guard
            let behind = try await transaction.first(
                "SELECT * FROM audiences WHERE status = 'building' AND deleted_at IS NULL ORDER BY COALESCE(build_cursor, '')\(transaction.dialect.bytewise), id LIMIT 1"
                    + transaction.dialect.skipLocked, [])
        else { return [] }
        let cursor = behind.text("build_cursor")
        return try await transaction.execute(
            "SELECT * FROM audiences WHERE status = 'building' AND deleted_at IS NULL AND workspace_id = ? AND COALESCE(build_cursor, '') = ? ORDER BY id"
                + transaction.dialect.skipLocked, [.text(behind.string("workspace_id")), .text(cursor ?? "")]
        ).compactMap { row in
            Audience(row: row).map {
                PendingBuild(audience: $0, cursor: cursor, processed: row.int("build_processed") ?? 0, startedAt: row.requiredDate("build_started_at"))
            }
        }
    }
}

/// What one pass over profiles writes: the profiles that changed, memberships, and the events
/// to emit.
struct ProfileChanges {
    /// The profiles as the database holds them: only what differs is written.
    private let stored: [ProfileRef: Profile]
    private var saved: [ProfileRef: Profile] = [:]
    private var order: [ProfileRef] = []
    private(set) var deleted: [ProfileRef] = []
    private var memberships: [MembershipChange] = []
    private(set) var emitted: [ProfileEvent] = []

    init(stored: [ProfileRef: Profile]) {
        self.stored = stored
    }

    /// `at`: when the change happened (the causing event's receipt, or the sweep's now).
    /// `emitting`: which transitions become events (a build emits only where the audience asks).
    mutating func save(
        _ outcome: AudienceEvaluator.Outcome, cause: String, at: Date, identifiers: IdentifierGenerator, emitting: (Audience) -> Bool = { _ in true }
    ) {
        let profile = outcome.profile
        let ref = profile.ref
        if saved[ref] == nil { order.append(ref) }
        saved[ref] = profile
        deleted.removeAll { $0 == ref }
        for (audiences, isMember) in [(outcome.entered, true), (outcome.exited, false)] {
            for audience in audiences {
                memberships.append(MembershipChange(audienceId: audience.id, profile: ref, userId: profile.key.userId, isMember: isMember, at: at))
                guard emitting(audience) else { continue }
                let make = isMember ? AudienceEvents.entered : AudienceEvents.exited
                let event = make(audience, profile.key.userId, profile.anonymousIds.first, at, cause, identifiers.make(.event))
                emitted.append(ProfileEvent(event: event, profile: profile))
            }
        }
    }

    /// A profile absorbed into another: its row and memberships go, with no events.
    mutating func delete(_ profile: Profile) {
        saved[profile.ref] = nil
        order.removeAll { $0 == profile.ref }
        deleted.append(profile.ref)
        for audienceId in profile.audienceIds {
            memberships.append(MembershipChange(audienceId: audienceId, profile: profile.ref, userId: nil, isMember: false, at: profile.lastSeen))
        }
    }

    func write(in transaction: some ProfileTransaction) async throws {
        let writes = order.compactMap { ref -> ProfileWrite? in
            guard let profile = saved[ref], profile != stored[ref] else { return nil }
            let known = Set(stored[ref]?.anonymousIds ?? [])
            return ProfileWrite(profile: profile, newAnonymousIds: profile.anonymousIds.filter { !known.contains($0) })
        }
        if !writes.isEmpty || !deleted.isEmpty { try await transaction.saveProfiles(writes, deleting: deleted) }
        if !memberships.isEmpty { try await transaction.applyMemberships(memberships) }
    }
}
