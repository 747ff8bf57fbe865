import Foundation
import Synchronization

/// Progress of long work (backup, export, purge, replay) on standard error: one line with the
/// count and its rate, redrawn in place at most ten times a second, when standard error is a
/// terminal; nothing at all otherwise (logs and pipes stay clean).
final class ProgressLine: Sendable {
    private struct State {
        var lastDrawn: ContinuousClock.Instant?
        var drew = false
    }

    private let label: String
    private let unit: String
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    init(_ label: String, unit: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    /// `count` done so far (of `total` when known); `detail` follows the figures.
    func update(_ count: Int, of total: Int? = nil, detail: String = "") {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = state.withLock { state in
            if let last = state.lastDrawn, now - last < .milliseconds(100) { return false }
            state.lastDrawn = now
            state.drew = true
            return true
        }
        guard due else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + Self.text(label, count, total: total, unit: unit, detail: detail, seconds: seconds(since: now))).utf8))
    }

    /// Ends the line, so what follows starts on a line of its own.
    func finish() {
        guard enabled, state.withLock({ $0.drew }) else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func seconds(since now: ContinuousClock.Instant) -> Double {
        let elapsed = now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// "purge: 12,000 rows (40%), 3,100 rows/s, 3.9 s: detail".
    static func text(_ label: String, _ count: Int, total: Int?, unit: String, detail: String, seconds: Double) -> String {
        var text = "\(label): \(count) \(unit)"
        if let total, total > 0 { text += " (\(min(count, total) * 100 / total)%)" }
        let rate = seconds > 0 ? Double(count) / seconds : 0
        text += ", " + String(format: "%.0f", rate) + " \(unit)/s, " + String(format: "%.1f", seconds) + " s"
        return detail.isEmpty ? text : text + ", " + detail
    }
}
