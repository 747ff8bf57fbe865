import GRDB
import Synchronization
import SwitchboardCore

/// What every ingest request reads and almost never changes (the source of a write key, the
/// subscriptions an event name may route to), kept in memory until a commit touches a table it
/// comes from. Only for a SQLite file one process writes: that process's commits are all there are.
final class ConfigurationCache: Sendable {
    private let sources = Mutex<[String: Entry<Source>]>([:])
    private let candidates = Mutex<[RoutePlanner.Key: Entry<[Subscription]>]>([:])
    let changes = ConfigurationChanges()

    /// Keys come from requests (write keys, event names): past this many, the map starts over.
    static let maximumEntries = 10_000

    private struct Entry<Value: Sendable>: Sendable {
        var generation: Int
        var value: Value
    }

    /// Read before the database is: an entry made from a read that a commit overtook is never used.
    var current: Int { changes.generation.load(ordering: .sequentiallyConsistent) }

    func source(writeKey: String) -> Source? {
        let now = current
        return sources.withLock { $0[writeKey] }.flatMap { $0.generation == now ? $0.value : nil }
    }

    /// Only sources that exist are kept: unknown keys (anyone can send them) always ask the database.
    func remember(_ source: Source, writeKey: String, readAt generation: Int) {
        sources.withLock { Self.store(&$0, writeKey, Entry(generation: generation, value: source)) }
    }

    /// The cached candidates of each key, and the keys that are not cached.
    func candidates(_ keys: Set<RoutePlanner.Key>) -> (found: [RoutePlanner.Key: [Subscription]], missing: Set<RoutePlanner.Key>) {
        let now = current
        var found: [RoutePlanner.Key: [Subscription]] = [:]
        var missing = Set<RoutePlanner.Key>()
        candidates.withLock { cached in
            for key in keys {
                if let entry = cached[key], entry.generation == now { found[key] = entry.value } else { missing.insert(key) }
            }
        }
        return (found, missing)
    }

    func remember(_ read: [RoutePlanner.Key: [Subscription]], readAt generation: Int) {
        candidates.withLock { cached in
            for (key, subscriptions) in read { Self.store(&cached, key, Entry(generation: generation, value: subscriptions)) }
        }
    }

    private static func store<Key: Hashable, Value>(_ map: inout [Key: Entry<Value>], _ key: Key, _ entry: Entry<Value>) {
        if map.count >= maximumEntries, map[key] == nil { map.removeAll(keepingCapacity: true) }
        map[key] = entry
    }
}

/// Watches the writer connection's statements: a commit that touched sources or subscriptions
/// (deletes that cascade from workspaces and destinations included: SQLite's authorizer reports
/// the cascaded tables too) bumps `generation`.
final class ConfigurationChanges: TransactionObserver, @unchecked Sendable {
    static let tables: Set<String> = ["sources", "subscriptions", "subscription_routes"]
    /// Bumped after every commit that touched one of `tables`.
    let generation = Atomic<Int>(0)
    /// Touched only on the writer's queue, where GRDB calls every method below.
    private var touched = false

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if Self.tables.contains(eventKind.tableName.lowercased()) { touched = true }
        // No row-by-row notifications: the commit is what matters.
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        guard touched else { return }
        touched = false
        generation.add(1, ordering: .sequentiallyConsistent)
    }

    func databaseDidRollback(_ db: Database) {
        touched = false
    }
}
