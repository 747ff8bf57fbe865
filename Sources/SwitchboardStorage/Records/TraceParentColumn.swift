/// The `trace_parent` column: the W3C `traceparent` of the request that received an event, so
/// its deliveries continue that trace (null when tracing is off). The same SQL on both databases.
enum TraceParentColumn {
    static let migration = "ALTER TABLE events ADD COLUMN trace_parent TEXT"
}
