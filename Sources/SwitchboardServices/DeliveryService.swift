import Foundation
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// Deliveries sent again by hand.
public struct DeliveryService: Sendable {
    let deliveries: any DeliveryLog
    let work: WorkSignal
    let now: @Sendable () -> Date

    public init(deliveries: any DeliveryLog, work: WorkSignal, now: @escaping @Sendable () -> Date) {
        self.deliveries = deliveries
        self.work = work
        self.now = now
    }

    /// Puts the delivery back in the queue, due now; nil when there is no such delivery.
    public func retry(id: String, workspaceId: String) async throws -> Delivery? {
        guard let delivery = try await deliveries.retryDelivery(id: id, workspaceId: workspaceId, now: now()) else { return nil }
        work.workIsDue()
        return delivery
    }
}
