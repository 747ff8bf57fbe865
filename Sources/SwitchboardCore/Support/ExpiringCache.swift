import Foundation

/// Values kept for a fixed time, at most `capacity` of them. Pure: the caller passes the time.
public struct ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let lifetime: TimeInterval
    public let capacity: Int
    private var entries: [Key: (value: Value, expires: Date)] = [:]

    public init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = max(capacity, 1)
    }

    public var count: Int { entries.count }

    /// The value stored for `key`, unless it has expired by `now`.
    public func value(for key: Key, now: Date) -> Value? {
        guard let entry = entries[key], entry.expires > now else { return nil }
        return entry.value
    }

    public mutating func insert(_ value: Value, for key: Key, now: Date) {
        if entries[key] == nil, entries.count >= capacity {
            entries = entries.filter { $0.value.expires > now }
            // Still full of live entries: start again; a forgotten value costs one more lookup.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        }
        entries[key] = (value, now.addingTimeInterval(lifetime))
    }
}
