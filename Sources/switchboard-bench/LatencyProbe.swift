import Histogram
import NIOCore

/// Acknowledgement-to-receipt latency at a fixed offered rate: single events through
/// `/v1/track`, started on schedule whatever the answers (open loop), each marked so the
/// receiver can report when its webhook arrived.
struct LatencyProbe: Sendable {
    static let markerPrefix = "lat-"

    let load: LoadGenerator
    let workload: Workload
    let receiver: ReceiverClient

    func run(eventsPerSecond: Int, seconds: Int) async throws -> LatencyFigures {
        let total = eventsPerSecond * seconds
        let acknowledged = AcknowledgementLog()
        let start = MonotonicClock.nanoseconds()
        let interval = 1_000_000_000 / UInt64(max(eventsPerSecond, 1))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                let due = start + UInt64(index) * interval
                let now = MonotonicClock.nanoseconds()
                if due > now { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
                let marker = "\(Self.markerPrefix)\(index)"
                group.addTask {
                    let body = ByteBuffer(string: Workload.event(index, messageId: marker))
                    if await load.send(workload.trackRequest(body)) {
                        let at = MonotonicClock.nanoseconds()
                        acknowledged.record(marker, at: at)
                    }
                }
            }
        }
        let acks = acknowledged.all
        // Wait for the webhooks of every acknowledged event (bounded: a lost one shows as missing).
        let deadline = ContinuousClock.now + .seconds(30)
        while try await receiver.stats().marked < acks.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let receipts = try await receiver.marked()
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var received = 0
        for (marker, ackedAt) in acks {
            guard let receivedAt = receipts[marker] else { continue }
            received += 1
            // A webhook may arrive before its acknowledgement reaches the client: that counts as 0.
            _ = histogram.record(receivedAt > ackedAt ? (receivedAt - ackedAt) / 1_000 : 0)
        }
        return LatencyFigures(
            offeredPerSecond: eventsPerSecond, seconds: seconds, sent: total, acknowledged: acks.count, received: received,
            p50Ms: Self.milliseconds(histogram.valueAtPercentile(50)), p90Ms: Self.milliseconds(histogram.valueAtPercentile(90)),
            p99Ms: Self.milliseconds(histogram.valueAtPercentile(99)), maxMs: Self.milliseconds(histogram.max))
    }

    private static func milliseconds(_ microseconds: UInt64) -> Double {
        Double(microseconds) / 1000
    }
}
