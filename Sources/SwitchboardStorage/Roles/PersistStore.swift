import Foundation

/// Small values kept by key until they expire (the admin panel's sessions), in the database so
/// that whichever node a browser reaches finds them.
public protocol PersistStore: Sendable {
    /// The value and its expiry; nil when absent or expired at `now`.
    func persistedValue(key: String, now: Date) async throws -> PersistedValue?
    /// Adds the value; false when the key is held and not expired at `now` (nothing changes then).
    func createPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws -> Bool
    /// Adds or replaces the value; a nil `expiresAt` keeps the expiry a replaced value had.
    /// Expired values are removed on the way, so the table holds only live ones.
    func setPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws
    func removePersistedValue(key: String) async throws
}

/// One kept value and when it stops being served.
public struct PersistedValue: Sendable, Equatable {
    public var value: String
    public var expiresAt: Date?

    public init(value: String, expiresAt: Date?) {
        self.value = value
        self.expiresAt = expiresAt
    }
}
