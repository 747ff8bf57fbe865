import ArgumentParser

@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A self-hosted customer-event switchboard: ingest, route, reshape and deliver signed webhooks.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, KeysCommand.self, DoctorCommand.self, BackupCommand.self, PurgeCommand.self,
            ReplayCommand.self, SendTestCommand.self, ExportCommand.self,
        ],
        defaultSubcommand: nil
    )
}
