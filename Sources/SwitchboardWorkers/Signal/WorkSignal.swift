import Logging
import ServiceLifecycle
import SwitchboardStorage

/// The one way "new work is due" travels: it wakes this process's dispatcher at once and, when
/// several processes share the database, every other one through it. As a service it listens
/// for the other processes' announcements and sends this one's, several coalesced into one;
/// with a database no other process uses it has nothing to do.
public final class WorkSignal: Service, Sendable {
    private let coordination: any Coordination
    private let local = WakeSignal()
    private let outgoing = WakeSignal()
    private let logger: Logger

    public init(coordination: any Coordination, logger: Logger) {
        self.coordination = coordination
        self.logger = logger
    }

    /// Deliveries were created or made due again, by this process.
    public func workIsDue() {
        local.signal()
        if coordination.sharesDatabase { outgoing.signal() }
    }

    /// A send finished and freed capacity here: only this process's dispatcher cares.
    func capacityFreed() {
        local.signal()
    }

    /// Returns when work is due, after `timeout`, or on cancellation.
    func wait(timeout: Duration) async {
        await local.wait(timeout: timeout)
    }

    public func run() async {
        guard coordination.sharesDatabase else {
            // A service that ends early would end the whole group: wait for the shutdown instead.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask { await self.announce() }
            }
        }
    }

    /// Other processes' announcements; a dropped listening connection is opened again.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await coordination.watchForWork { [local] in local.signal() }
            } catch {
                if !Task.isCancelled { logger.warning("listening for new work failed", metadata: ["error.type": "\(type(of: error))"]) }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// This process's announcements: however many came while one was being sent, one more follows.
    private func announce() async {
        while !Task.isCancelled {
            guard await outgoing.wait(timeout: .seconds(60)) else { continue }
            do {
                try await coordination.announceWork()
            } catch {
                // The others find the work on their next poll instead.
                logger.warning("announcing new work failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}
