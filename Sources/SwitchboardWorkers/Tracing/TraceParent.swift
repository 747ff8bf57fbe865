import Tracing

/// Carries a trace from the request that received an event, through storage, to the requests
/// that deliver it: as the W3C `traceparent` text the tracer's propagator reads and writes.
public enum TraceParent {
    static let field = "traceparent"

    /// The current span's, or nil when nothing is traced (tracing off, or no span).
    public static func current() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: FieldInjector())
        return carrier[field]
    }

    /// A context whose span continues the stored trace; a new trace when there is none.
    public static func context(continuing traceParent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let traceParent {
            InstrumentationSystem.instrument.extract([field: traceParent], into: &context, using: FieldExtractor())
        }
        return context
    }

    private struct FieldInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    }

    private struct FieldExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
}
