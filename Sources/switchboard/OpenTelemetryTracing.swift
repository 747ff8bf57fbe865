import OTel
import ServiceLifecycle
import Tracing

/// The process's tracer, when `--tracing` is on: spans exported over OTLP/HTTP as the standard
/// `OTEL_*` variables say (endpoint, protocol, sampler, batching); logs and metrics keep
/// Switchboard's own handlers.
enum OpenTelemetryTracing {
    /// Bootstraps the tracer; returns the exporter's service, to run (and drain) with the server.
    static func bootstrap() throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "switchboard"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}
