/// The `connector` column: which connector installed a destination, subscription or sync (null
/// for the others). The same SQL on both databases.
enum ConnectorColumns {
    static let migration = """
        ALTER TABLE destinations ADD COLUMN connector TEXT;
        ALTER TABLE subscriptions ADD COLUMN connector TEXT;
        ALTER TABLE syncs ADD COLUMN connector TEXT;
        """
}
