import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API, ingest, workers and admin panel.",
        discussion: """
            Settings come from flags, then SWITCHBOARD_* environment variables (SWITCHBOARD_PORT, \
            SWITCHBOARD_ADMIN_KEY, ...), then the config file. On first start with no API keys it \
            prints one admin key, once, or registers SWITCHBOARD_ADMIN_KEY.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on (env SWITCHBOARD_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (env SWITCHBOARD_PORT; default 8080).")
    var port: Int?

    @Option(help: "Largest request body in bytes, after decompression (env SWITCHBOARD_MAX_BODY_BYTES; default 1048576).")
    var maxBodyBytes: Int?

    @Option(help: "Base URL shown in ingest URLs (env SWITCHBOARD_PUBLIC_URL; default http://host:port).")
    var publicUrl: String?

    @Flag(help: "Allow destinations on loopback, private and link-local networks (env SWITCHBOARD_ALLOW_PRIVATE_DESTINATIONS=true).")
    var allowPrivateDestinations = false

    @Option(help: "Comma-separated hosts webhooks may go to; no others (env SWITCHBOARD_DESTINATION_HOSTS; default: any public host).")
    var destinationHosts: String?

    @Option(help: "Comma-separated networks (CIDR, e.g. 10.1.0.0/16,fd00::/8) webhooks may reach although private (env SWITCHBOARD_ALLOW_DESTINATION_NETWORKS; default none).")
    var allowDestinationNetworks: String?

    @Option(help: "Disable a destination whose every attempt failed for this many seconds (env SWITCHBOARD_DISABLE_AFTER_SECONDS; default 432000, 5 days).")
    var disableAfterSeconds: Int?

    @Option(help: "Seconds a node holds leased deliveries before others may send them, at least the destination's timeout (env SWITCHBOARD_LEASE_SECONDS; default 15).")
    var leaseSeconds: Int?

    @Option(help: "Close a connection that sends no complete request part for this many seconds (env SWITCHBOARD_IDLE_TIMEOUT_SECONDS; default 30).")
    var idleTimeoutSeconds: Int?

    @Option(help: "On SIGTERM or SIGINT, seconds to let requests and sends in flight finish before cutting them off, their deliveries handed back (env SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS; default 30).")
    var shutdownTimeoutSeconds: Int?

    @Option(help: "Recurring audience syncs a workspace may have (env SWITCHBOARD_MAX_RECURRING_SYNCS; default 30, as Heap allows).")
    var maxRecurringSyncs: Int?

    @Option(help: "Delete events received more than this many days ago, with their finished deliveries and attempts; 0 keeps everything (env SWITCHBOARD_RETENTION_DAYS; default 30).")
    var retentionDays: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env SWITCHBOARD_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Log lines as text or json, one JSON object a line (env SWITCHBOARD_LOG_FORMAT; default text).")
    var logFormat: String?

    @Option(help: "When set, GET /metrics needs Authorization: Bearer <token> (env SWITCHBOARD_METRICS_TOKEN; default: open).")
    var metricsToken: String?

    @Flag(help: "Export OpenTelemetry spans of ingest, routing and delivery over OTLP/HTTP, configured by the standard OTEL_* variables, e.g. OTEL_EXPORTER_OTLP_ENDPOINT (env SWITCHBOARD_TRACING=true; default off).")
    var tracing = false

    func run() async throws {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { flags["host"] = .flag(host) }
        if let port { flags["port"] = .flag(port) }
        if let maxBodyBytes { flags["maxBodyBytes"] = .flag(maxBodyBytes) }
        if let publicUrl { flags["publicUrl"] = .flag(publicUrl) }
        if let logLevel { flags["logLevel"] = .flag(logLevel) }
        if let logFormat { flags["logFormat"] = .flag(logFormat) }
        if let metricsToken { flags["metricsToken"] = .init(.string(metricsToken), isSecret: true) }
        if let disableAfterSeconds { flags["disableAfterSeconds"] = .flag(disableAfterSeconds) }
        if let idleTimeoutSeconds { flags["idleTimeoutSeconds"] = .flag(idleTimeoutSeconds) }
        if let leaseSeconds { flags["leaseSeconds"] = .flag(leaseSeconds) }
        if let shutdownTimeoutSeconds { flags["shutdownTimeoutSeconds"] = .flag(shutdownTimeoutSeconds) }
        if let retentionDays { flags["retentionDays"] = .flag(retentionDays) }
        if let maxRecurringSyncs { flags["maxRecurringSyncs"] = .flag(maxRecurringSyncs) }
        if let destinationHosts { flags["destinationHosts"] = .flag(destinationHosts) }
        if let allowDestinationNetworks { flags["allowDestinationNetworks"] = .flag(allowDestinationNetworks) }
        if allowPrivateDestinations { flags["allowPrivateDestinations"] = .init(.bool(true), isSecret: false) }
        if tracing { flags["tracing"] = .init(.bool(true), isSecret: false) }
        let settings = try await SettingsReader(common: common, flags: flags)
        let level = settings.reader.string(forKey: "logLevel").flatMap(Logger.Level.init(rawValue:)) ?? .info
        let format = try settings.logFormat()
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let serverSettings = try settings.serverSettings()
        let logger = Logger(label: "switchboard")
        // The exporter is listed first so that it stops last, after the spans of the drain.
        let tracing = try serverSettings.tracing ? [OpenTelemetryTracing.bootstrap()] : []
        let app = try await buildApplication(settings: serverSettings, logger: logger, announce: Console.announce)
        var configuration = ServiceGroupConfiguration(services: tracing + [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The dispatcher cuts its sends off after the shutdown timeout and hands them back; the
        // margin is for that, and for closing the pool. Past it, whatever still runs is cancelled.
        configuration.maximumGracefulShutdownDuration = serverSettings.dispatcher.drainTimeout + .seconds(10)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Lines an operator must see, written straight to standard output (unbuffered, so a
/// supervising process sees them at once).
enum Console {
    @Sendable static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
