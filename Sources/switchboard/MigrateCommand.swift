import ArgumentParser
import SwitchboardStorage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = try await SettingsReader(common: common)
        try await SQLiteStorage(path: settings.database).migrate()
        Console.announce("Database \(settings.database) is up to date.")
    }
}
