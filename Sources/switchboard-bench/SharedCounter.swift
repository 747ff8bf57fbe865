import Synchronization

/// A count that concurrent tasks share.
final class SharedCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    /// Adds one; returns the value before.
    @discardableResult
    func increment() -> Int {
        count.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// Acknowledgement times by marker, written by concurrent requests.
final class AcknowledgementLog: Sendable {
    private let times = Mutex<[String: UInt64]>([:])

    func record(_ marker: String, at nanoseconds: UInt64) {
        times.withLock { $0[marker] = nanoseconds }
    }

    var all: [String: UInt64] { times.withLock { $0 } }
}
