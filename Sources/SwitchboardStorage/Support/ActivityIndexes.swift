/// What the admin panel's counts and lists read. Without them each page walked every delivery
/// of the workspace:
/// - by workspace, status and creation time: the dashboard's totals of a window, its most failing
///   destinations, and the queue's size and oldest entry, each one index range;
/// - by destination and creation time: the counts of a page of the destinations list;
/// - by destination and id: one destination's log, newest first, whatever the status.
enum ActivityIndexes {
    static let migration = """
        DROP INDEX deliveries_destination;
        CREATE INDEX deliveries_destination ON deliveries(destination_id, id);
        CREATE INDEX deliveries_status_created ON deliveries(workspace_id, status, created_at, destination_id);
        CREATE INDEX deliveries_destination_created ON deliveries(destination_id, created_at);
        """
}
