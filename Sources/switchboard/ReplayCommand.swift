import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-queue failed deliveries created in [since, until), of every destination or one.",
        discussion: "What POST /v1/destinations/{id}/recover does, for many destinations at once; a running server sends them.")

    /// Which deliveries go back in the queue.
    enum Status: String, ExpressibleByArgument, CaseIterable {
        case failed
    }

    @OptionGroup var common: CommonOptions

    @Option(help: "Deliveries created at or after this time: 2026-01-31, 2026-01-31T12:00:00Z, or 24h (hours ago), 7d, 90m.")
    var since: CommandTime

    @Option(help: "Deliveries created before this time (default: now).")
    var until: CommandTime?

    @Option(help: "Only this destination's deliveries (dst_...).")
    var destination: String?

    @Option(help: "Deliveries in this state (only failed ones can be re-queued).")
    var status: Status = .failed

    func validate() throws {
        if let until, until.date <= since.date { throw ArgumentParser.ValidationError("--until must be after --since") }
    }

    func run() async throws {
        let context = try await OperatorContext.open(common)
        defer { context.close() }
        let destinations = try await context.destinations(id: destination)
        if let destination, destinations.isEmpty { throw OperatorError("no destination \(destination)") }
        let service = try context.destinationService()
        let progress = ProgressLine("replay", unit: "deliveries")
        var requeued = 0
        for (index, destination) in destinations.enumerated() {
            requeued += try await service.recover(destination, since: since.date, until: until?.date)
            progress.update(requeued, detail: "\(index + 1) of \(destinations.count) destinations")
        }
        progress.finish()
        if requeued > 0 { await context.announceWork() }
        Console.announce("Re-queued \(requeued) \(status.rawValue) deliveries of \(destinations.count) destinations.")
    }
}
