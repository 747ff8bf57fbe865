import ArgumentParser
import Logging
import SwitchboardStorage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = try await SettingsReader(common: common)
        try await openStorage(settings.database, logger: Logger(label: "switchboard")).migrate()
        Console.announce("The database is up to date.")
    }
}
