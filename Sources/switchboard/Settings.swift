import ArgumentParser
import Foundation
import Configuration
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import SystemPackage

/// Options every command shares: where the database is and where a config file is.
struct CommonOptions: ParsableArguments {
    @Option(help: "SQLite database file, or postgres://user:password@host:port/database (env SWITCHBOARD_DATABASE or SWITCHBOARD_DATABASE_URL; default ./switchboard.sqlite).")
    var database: String?

    @Option(help: "JSON config file with the same settings as keys, e.g. {\"port\": 8080} (env SWITCHBOARD_CONFIG).")
    var config: String?
}

/// Reads settings from flags, then `SWITCHBOARD_*` environment variables, then the config file.
struct SettingsReader {
    let reader: ConfigReader

    init(common: CommonOptions, flags: [AbsoluteConfigKey: ConfigValue] = [:]) async throws {
        var flags = flags
        if let database = common.database { flags["database"] = .init(.string(database), isSecret: true) }
        let environment = EnvironmentVariablesProvider().prefixKeys(with: "switchboard")
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flags), environment]
        let environmentReader = ConfigReader(provider: environment)
        if let path = common.config ?? environmentReader.string(forKey: "config") {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
        }
        reader = ConfigReader(providers: providers)
    }

    var database: String {
        // A PostgreSQL URL can hold a password: read as a secret, never logged.
        reader.string(forKey: "database", isSecret: true) ?? reader.string(forKey: "databaseUrl", isSecret: true) ?? ServerSettings().database
    }

    func serverSettings() throws -> ServerSettings {
        let defaults = ServerSettings()
        var dispatcher = Dispatcher.Settings()
        dispatcher.disableAfter = TimeInterval(reader.int(forKey: "disableAfterSeconds", default: Int(dispatcher.disableAfter)))
        dispatcher.leaseSeconds = TimeInterval(min(max(reader.int(forKey: "leaseSeconds", default: Int(dispatcher.leaseSeconds)), 1), 3600))
        var settings = ServerSettings(
            host: reader.string(forKey: "host", default: defaults.host),
            port: reader.int(forKey: "port", default: defaults.port),
            database: database,
            maxBodyBytes: reader.int(forKey: "maxBodyBytes", default: defaults.maxBodyBytes),
            adminKey: reader.string(forKey: "adminKey", isSecret: true),
            publicURL: reader.string(forKey: "publicUrl"),
            allowPrivateDestinations: reader.bool(forKey: "allowPrivateDestinations", default: false),
            destinationHosts: reader.string(forKey: "destinationHosts").map { list in
                Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
            },
            dispatcher: dispatcher
        )
        settings.idleTimeoutSeconds = Double(min(max(reader.int(forKey: "idleTimeoutSeconds", default: Int(defaults.idleTimeoutSeconds)), 1), 3600))
        // On SIGTERM, how long sends in flight may take before they are cut off and handed back.
        settings.dispatcher.drainTimeout = .seconds(min(max(reader.int(forKey: "shutdownTimeoutSeconds", default: 30), 1), 3600))
        settings.allowedDestinationNetworks = try allowedDestinationNetworks()
        settings.retention.days = try retentionDays()
        settings.metricsToken = reader.string(forKey: "metricsToken", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        settings.tracing = reader.bool(forKey: "tracing", default: false)
        settings.maxRecurringSyncs = min(max(reader.int(forKey: "maxRecurringSyncs", default: defaults.maxRecurringSyncs), 0), 100_000)
        return settings
    }

    /// `retentionDays`: out of range stops the start rather than keeping more or less than asked.
    func retentionDays() throws -> Int {
        let days = reader.int(forKey: "retentionDays", default: RetentionService.Settings().days)
        guard (0...RetentionService.Settings.maximumDays).contains(days) else {
            throw ArgumentParser.ValidationError("retentionDays: \(days) is not a number of days from 0 (keep everything) to \(RetentionService.Settings.maximumDays)")
        }
        return days
    }

    /// `logFormat`: text or json; anything else stops the start.
    func logFormat() throws -> LogFormat {
        let text = reader.string(forKey: "logFormat") ?? LogFormat.text.rawValue
        guard let format = LogFormat(rawValue: text.lowercased()) else { throw ArgumentParser.ValidationError("logFormat: \(text) is not text or json") }
        return format
    }

    /// `allowDestinationNetworks`: a mistyped network stops the start rather than being ignored.
    func allowedDestinationNetworks() throws -> [AddressRange] {
        let list = reader.string(forKey: "allowDestinationNetworks") ?? ""
        return try list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { text in
            guard let range = AddressRange(text) else { throw ArgumentParser.ValidationError("allowDestinationNetworks: \(text) is not a network such as 10.1.0.0/16 or fd00::/8") }
            return range
        }
    }
}

extension ConfigValue {
    static func flag(_ value: String) -> ConfigValue { .init(.string(value), isSecret: false) }
    static func flag(_ value: Int) -> ConfigValue { .init(.int(value), isSecret: false) }
}
