/// The same migration in both dialects: events in the order they were received, so retention
/// and export find old rows by the index, never by a scan. Appended at its end by ingest (times grow).
enum RetentionIndex {
    static let migration = "CREATE INDEX events_received ON events(received_at, id)"
}
