import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardServices
import SwitchboardWorkers

struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one event to a destination now and print the request sent and the response.",
        discussion: """
            What POST /v1/destinations/{id}/test does: rendered, signed and sent as a delivery would be, \
            through the same address rules. Exits non-zero unless the destination answered 2xx.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "The destination's id (dst_...).")
    var destinationId: String

    @Option(help: "A JSON file holding the event to send, as a client would send it (default: a sample track event).")
    var event: String?

    func run() async throws {
        let context = try await OperatorContext.open(common)
        defer { context.close() }
        guard let destination = try await context.destinations(id: destinationId).first else { throw OperatorError("no destination \(destinationId)") }
        var fields: [String: JSONValue]?
        if let event {
            let data = try Data(contentsOf: URL(fileURLWithPath: event))
            guard let parsed = try? JSONCoding.parse(Array(data), maximumDepth: 64), case .object(let object) = parsed else {
                throw OperatorError("\(event) does not hold a JSON object")
            }
            fields = object
        }
        let sample = try SampleEvent.make(from: fields, workspaceId: destination.workspaceId, identifiers: IdentifierGenerator(), now: Date())
        let (request, result) = try await context.destinationService().testSend(to: destination, event: sample)
        Console.announce(Self.transcript(request: request, result: result))
        guard let status = result.status, (200..<300).contains(status) else { throw ExitCode.failure }
    }

    /// The exchange as `curl -v` shows one: `>` lines went, `<` lines came back.
    static func transcript(request: RenderedRequest, result: SendResult) -> String {
        var lines = ["> \(request.method) \(request.url)"]
        lines += request.headers.map { "> \($0.0): \($0.1)" }
        lines += [">", String(decoding: request.body, as: UTF8.self), ""]
        if let status = result.status {
            lines.append("< \(status) (\(result.durationMs) ms)")
            lines += result.headers.map { "< \($0.0): \($0.1)" }
            lines += ["<", result.body ?? ""]
        } else {
            lines.append("! no response after \(result.durationMs) ms: \(result.error?.rawValue ?? "unknown error")")
        }
        return lines.joined(separator: "\n")
    }
}
