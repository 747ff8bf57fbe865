import SwitchboardCore

/// Where deliveries go, and how.
public protocol DestinationStore: Sendable {
    func createDestination(_ destination: Destination) async throws
    func destination(id: String, workspaceId: String) async throws -> Destination?
    /// By id, filtered as the admin panel's list columns are.
    func listDestinations(workspaceId: String, filter: DestinationFilter, page: PageRequest) async throws -> Page<Destination>
    /// The names of those of `ids` the workspace holds: one query names a whole page's rows.
    func destinationNames(ids: [String], workspaceId: String) async throws -> [String: String]
    func updateDestination(_ destination: Destination) async throws -> Bool
    /// Deletes it with its subscriptions and deliveries.
    func deleteDestination(id: String, workspaceId: String) async throws -> Bool
}

extension DestinationStore {
    /// By id; `search` matches name or URL.
    public func listDestinations(workspaceId: String, search: String?, page: PageRequest) async throws -> Page<Destination> {
        try await listDestinations(workspaceId: workspaceId, filter: DestinationFilter(search: search), page: page)
    }
}

/// Which destinations a list shows.
public struct DestinationFilter: Sendable, Equatable {
    /// Part of the name or the URL.
    public var search: String?
    /// Switched on (true) or off (false).
    public var enabled: Bool?
    /// Has (true) or has not (false) a subscription sending Open Loyalty's legacy body.
    public var legacy: Bool?

    public init(search: String? = nil, enabled: Bool? = nil, legacy: Bool? = nil) {
        self.search = search
        self.enabled = enabled
        self.legacy = legacy
    }

    /// The legacy test in SQL both databases share (by the subscriptions' destination index).
    static let legacyCondition =
        "EXISTS (SELECT 1 FROM subscriptions s WHERE s.destination_id = destinations.id AND s.format = 'openloyalty-legacy')"
}
