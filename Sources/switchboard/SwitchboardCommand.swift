import ArgumentParser

@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A self-hosted customer-event switchboard: ingest, route, reshape and deliver signed webhooks.",
        subcommands: [ServeCommand.self, MigrateCommand.self, KeysCommand.self],
        defaultSubcommand: nil
    )
}
