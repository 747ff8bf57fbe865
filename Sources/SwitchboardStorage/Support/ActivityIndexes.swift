/// What the admin panel's counts read: deliveries of a window by creation time (the dashboard),
/// of a page of destinations (the destinations list), and the queue's pending ones. Without
/// them each page counted every delivery of the workspace.
enum ActivityIndexes {
    static let migration = """
        CREATE INDEX deliveries_created ON deliveries(workspace_id, created_at);
        CREATE INDEX deliveries_destination_created ON deliveries(destination_id, created_at);
        CREATE INDEX deliveries_pending_created ON deliveries(workspace_id, created_at) WHERE status = 'pending';
        """
}
