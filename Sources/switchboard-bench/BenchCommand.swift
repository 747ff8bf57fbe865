import ArgumentParser

/// `switchboard-bench`: the end-to-end load harness (`run`, the default) and the receiver it
/// spawns as a separate process (`receiver`).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench",
        abstract: "Measure Switchboard's ingest, delivery, latency and memory on this machine.",
        subcommands: [RunCommand.self, AudiencesCommand.self, PurgeCommand.self, AdminPagesCommand.self, ReceiverCommand.self, NoOpCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
