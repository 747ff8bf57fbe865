import Synchronization

/// What the receiver has seen since the last reset: a count of webhooks, the times of the first
/// and the last, and the receipt time of each request whose marker names a latency probe.
final class ReceiptLog: Sendable {
    struct State {
        var count = 0
        var firstNanoseconds: UInt64 = 0
        var lastNanoseconds: UInt64 = 0
        var marked: [(String, UInt64)] = []
    }

    private let state = Mutex(State())

    func record(marker: String?, at nanoseconds: UInt64) {
        state.withLock { state in
            if state.count == 0 { state.firstNanoseconds = nanoseconds }
            state.count += 1
            state.lastNanoseconds = nanoseconds
            if let marker, marker.hasPrefix(LatencyProbe.markerPrefix) { state.marked.append((marker, nanoseconds)) }
        }
    }

    func reset() {
        state.withLock { $0 = State() }
    }

    /// `{"count":N,"firstNs":N,"lastNs":N,"marked":N}`.
    func statsJSON() -> String {
        state.withLock {
            #"{"count":\#($0.count),"firstNs":\#($0.firstNanoseconds),"lastNs":\#($0.lastNanoseconds),"marked":\#($0.marked.count)}"#
        }
    }

    /// One `marker nanoseconds` line per marked request, oldest first.
    func markedLines() -> String {
        state.withLock { state in state.marked.map { "\($0.0) \($0.1)\n" }.joined() }
    }
}
