import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete events received before a time, with their finished deliveries and attempts, and print the counts.",
        discussion: """
            What the retention service does every minute, on demand: a small batch per transaction, so a \
            running server goes on ingesting. Events with a pending delivery are kept, and so is that delivery.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Delete what was received before this time: 2026-01-31, 2026-01-31T12:00:00Z, or 30d (days ago), 12h, 90m.")
    var olderThan: CommandTime

    @Option(help: "Events per transaction.")
    var batchSize = 1000

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ArgumentParser.ValidationError("--batch-size must be from 1 to 10000") }
    }

    func run() async throws {
        let context = try await OperatorContext.open(common)
        defer { context.close() }
        let progress = ProgressLine("purge", unit: "rows")
        let counts = try await RetentionService.purge(context.storage, receivedBefore: olderThan.date, batchSize: batchSize, pause: .milliseconds(5)) {
            progress.update($0.rows, detail: "\($0.events) events")
        }
        progress.finish()
        Console.announce(
            "Deleted \(counts.events) events, \(counts.deliveries) deliveries and \(counts.attempts) attempts received before "
                + "\(Timestamp.format(olderThan.date)); kept \(counts.keptForPendingWork) older events for their pending deliveries.")
    }
}
