import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A webhook receiver answering 200 at once, run as its own process by the harness. It counts
/// every request and keeps the receipt time of each request marked for latency.
struct ReceiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receiver",
        abstract: "Answer 200 to every request; report counts and receipt times under /_bench/."
    )

    @Option(help: "Port on 127.0.0.1 (0: any free port).")
    var port = 0

    @Option(help: "Event loop threads.")
    var threads = System.coreCount

    func run() async throws {
        let receipts = ReceiptLog()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(ReceiverHandler(receipts: receipts))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        // The harness waits for this line to learn the port.
        FileHandle.standardOutput.write(Data("receiver listening on 127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
        try await channel.closeFuture.get()
    }
}
