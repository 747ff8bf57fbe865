import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStorage

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write stored data to standard output.", subcommands: [Events.self])

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every workspace's events received in [since, until), oldest first, one JSON object a line.",
            discussion: """
                Each line is the event as GET /v1/events/{id} shows it, plus workspaceId. Read page by page \
                in receipt order, so memory stays the same however many there are.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case jsonl
        }

        @OptionGroup var common: CommonOptions

        @Option(help: "Events received at or after this time: 2026-01-31, 2026-01-31T12:00:00Z, or 24h (hours ago), 7d, 90m.")
        var since: CommandTime

        @Option(help: "Events received before this time (default: all).")
        var until: CommandTime?

        @Option(help: "Output format: jsonl (JSON Lines).")
        var format: Format = .jsonl

        @Option(help: "Events read per page.")
        var pageSize = 500

        func validate() throws {
            guard (1...10_000).contains(pageSize) else { throw ArgumentParser.ValidationError("--page-size must be from 1 to 10000") }
        }

        func run() async throws {
            let context = try await OperatorContext.open(common)
            defer { context.close() }
            let progress = ProgressLine("export", unit: "events")
            var cursor: EventCursor?
            var written = 0
            repeat {
                let page = try await context.storage.exportEvents(since: since.date, until: until?.date, after: cursor, limit: pageSize)
                var text = ""
                for event in page.events {
                    guard case .object(var fields) = event.document else { continue }
                    fields["workspaceId"] = .string(event.workspaceId)
                    text += JSONCoding.string(.object(fields)) + "\n"
                }
                FileHandle.standardOutput.write(Data(text.utf8))
                written += page.events.count
                progress.update(written)
                cursor = page.next
            } while cursor != nil
            progress.finish()
        }
    }
}
