import ArgumentParser
import Foundation
import Hummingbird

/// The ceiling for ingest: a Hummingbird server whose one POST route reads the whole body and
/// answers 200, as `/v1/track` does before any work of its own.
struct NoOpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noop",
        abstract: "Answer 200 to POST /noop after reading the body: the HTTP stack's ceiling for ingest."
    )

    @Option(help: "Port on 127.0.0.1 (0: any free port).")
    var port = 0

    func run() async throws {
        let router = Router()
        router.post("/noop") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"success":true}"#)))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                // The harness waits for this line to learn the port.
                FileHandle.standardOutput.write(Data("noop listening on 127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
            })
        try await app.runService()
    }
}
