/// Everything Switchboard keeps, one role per concern, with one implementation per database.
/// Implementations hold no state the database should own, so several processes can share one.
/// A consumer takes only the roles it uses (the dispatcher: `DeliveryQueue`).
public protocol Storage:
    TenancyStore, SourceStore, EventTypeStore, DestinationStore, SubscriptionStore, EventLog, DeliveryLog, DeliveryQueue, Coordination,
    ProfileStore, AudienceStore, AudienceMaintenance, SyncStore, DateTriggerStore, ScheduleMaintenance, InboundReplayStore,
    EventRetention, OperationalStatistics, PersistStore, ActivityStatistics
{
    /// Creates or upgrades the schema.
    func migrate() async throws
    /// The migrations this build has that the database has not applied yet, in order (all of them
    /// for an empty database); changes nothing.
    func pendingMigrations() async throws -> [String]
    /// Succeeds when the database answers.
    func ping() async throws
    /// Lets go of the database's connections (tests; a server keeps them until it exits).
    func close()
}

/// A storage failure a caller can act on.
public enum StorageError: Error, Equatable, Sendable {
    /// A uniqueness or reference rule of the schema refused the write.
    case conflict(String)
    /// `--database` looked like a PostgreSQL URL but is not one Switchboard can use.
    case invalidDatabaseURL
    /// The lock an exclusive job takes could not be opened.
    case lockUnavailable(String)
}
