import SwitchboardCore

/// Where deliveries go, and how.
public protocol DestinationStore: Sendable {
    func createDestination(_ destination: Destination) async throws
    func destination(id: String, workspaceId: String) async throws -> Destination?
    func listDestinations(workspaceId: String, search: String?, page: PageRequest) async throws -> Page<Destination>
    func updateDestination(_ destination: Destination) async throws -> Bool
    /// Deletes it with its subscriptions and deliveries.
    func deleteDestination(id: String, workspaceId: String) async throws -> Bool
}
