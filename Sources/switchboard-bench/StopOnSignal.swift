import Dispatch
import Foundation
import Synchronization

/// The processes a run has started, so an interrupted run (Ctrl-C, SIGTERM) stops them too.
enum StopOnSignal {
    private static let running = Mutex<[ChildProcess]>([])
    // Written once, by install(), before any signal can arrive.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func track(_ child: ChildProcess) {
        running.withLock { $0.append(child) }
    }

    static func untrack(_ child: ChildProcess) {
        running.withLock { $0.removeAll { $0 === child } }
    }

    /// On SIGINT or SIGTERM: stop every tracked process, then exit.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                for child in running.withLock({ $0 }).reversed() { child.stop() }
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
