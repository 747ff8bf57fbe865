/// What the admin panel's counts and lists read: deliveries of a window by creation time (the
/// dashboard), of a page of destinations (the destinations list), the queue's pending ones, and
/// one destination's newest first (its log, whatever their status). Without them each page
/// walked every delivery of the workspace.
enum ActivityIndexes {
    static let migration = """
        DROP INDEX deliveries_destination;
        CREATE INDEX deliveries_destination ON deliveries(destination_id, id);
        CREATE INDEX deliveries_created ON deliveries(workspace_id, created_at);
        CREATE INDEX deliveries_destination_created ON deliveries(destination_id, created_at);
        CREATE INDEX deliveries_pending_created ON deliveries(workspace_id, created_at) WHERE status = 'pending';
        """
}
