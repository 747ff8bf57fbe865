import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage
import SwitchboardWorkers

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database, its migrations and the settings, print what was found; exit non-zero on a problem.",
        discussion: "Changes nothing: reads the settings as serve would (flags, SWITCHBOARD_* variables, config file) and asks the database.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        var problems = 0
        func report(_ ok: Bool, _ line: String) {
            if !ok { problems += 1 }
            Console.announce((ok ? "ok      " : "PROBLEM ") + line)
        }
        let settings: SettingsReader
        do {
            settings = try await SettingsReader(common: common)
        } catch {
            report(false, "settings: the config file cannot be read: \(error)")
            throw ExitCode.failure
        }
        do {
            let server = try settings.serverSettings()
            report(
                true,
                "settings: listen on \(server.host):\(server.port), retention \(server.retention.days == 0 ? "off (keep everything)" : "\(server.retention.days) days"), "
                    + "largest body \(server.maxBodyBytes) bytes, private destinations \(server.allowPrivateDestinations ? "allowed" : "refused")")
        } catch {
            report(false, "settings: \(error)")
        }
        let database = settings.database
        let isPostgres = PostgresStorage.isURL(database)
        let shown = isPostgres ? Self.withoutPassword(database) : database
        if !isPostgres, !FileManager.default.fileExists(atPath: database) {
            report(false, "database: no SQLite file at \(database) (serve or migrate creates it)")
            throw ExitCode.failure
        }
        let storage: any Storage
        do {
            storage = try openStorage(database, logger: Logger(label: "switchboard"))
        } catch {
            report(false, "database: \(shown) cannot be opened: \(error)")
            throw ExitCode.failure
        }
        defer { storage.close() }
        do {
            try await Self.withTimeout(.seconds(10)) { try await storage.ping() }
            var line = "database: \(isPostgres ? "PostgreSQL" : "SQLite") \(shown) answers"
            if !isPostgres, let size = try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int {
                line += String(format: " (%.1f MiB)", Double(size) / 1_048_576)
            }
            report(true, line)
        } catch {
            report(false, "database: \(shown) does not answer: \(error)")
            throw ExitCode.failure
        }
        do {
            let pending = try await storage.pendingMigrations()
            if pending.isEmpty {
                report(true, "migrations: all applied")
            } else {
                report(false, "migrations: \(pending.count) pending (\(pending.joined(separator: ", "))): run `switchboard migrate` or start the server")
            }
        } catch {
            report(false, "migrations: cannot be read: \(error)")
        }
        if problems > 0 {
            Console.announce("\(problems) problem\(problems == 1 ? "" : "s") found.")
            throw ExitCode.failure
        }
        Console.announce("No problems found.")
    }

    /// The URL as it may be shown: a password never is.
    static func withoutPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "postgres://…" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres://…"
    }

    /// An unreachable PostgreSQL server makes a connection attempt wait long: the doctor answers sooner.
    static func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw OperatorError("no answer within \(limit)")
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
