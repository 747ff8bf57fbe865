import SwitchboardCore

/// Which events go to which destination, under which condition, shaped how.
public protocol SubscriptionStore: Sendable {
    func createSubscription(_ subscription: Subscription) async throws
    func subscription(id: String, workspaceId: String) async throws -> Subscription?
    func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription>
    func updateSubscription(_ subscription: Subscription) async throws -> Bool
    func deleteSubscription(id: String, workspaceId: String) async throws -> Bool
}
