import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Limits that hold on a real socket: a chunked body over the limit, half-sent requests.
@Suite struct ConnectionLimitsTests {
    /// Runs `test` with the production application listening on a free loopback port.
    private func withLiveSwitchboard(_ configure: (inout ServerSettings) -> Void = { _ in }, _ test: @Sendable (Int) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var settings = ServerSettings(port: 0, database: directory.database, adminKey: adminKey, allowPrivateDestinations: true)
        configure(&settings)
        let storage = try openStorage(settings.database, logger: Logger(label: "test"))
        defer { storage.close() }
        let app = try await buildApplication(settings: settings, storage: storage)
        try await app.test(.live) { client in try await test(client.port ?? 0) }
    }

    @Test func aChunkedBodyOverTheLimitIsRefusedWith413() async throws {
        try await withLiveSwitchboard({ $0.maxBodyBytes = 10_000 }) { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/sources")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
            request.headers.add(name: "Content-Type", value: "application/json")
            // No Content-Length: the body streams in chunks until it passes the limit.
            let chunks = AsyncStream<ByteBuffer> { continuation in
                for _ in 0..<20 { continuation.yield(ByteBuffer(repeating: UInt8(ascii: " "), count: 1_000)) }
                continuation.finish()
            }
            request.body = .stream(chunks, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try JSONCoding.parse(Array(try await response.body.collect(upTo: 1 << 16).readableBytesView))
            #expect(response.status.code == 413)
            #expect(body["error"]?["code"] == "payload_too_large")
        }
    }

    @Test func aHalfSentRequestIsClosedAfterTheIdleTimeout() async throws {
        try await withLiveSwitchboard({ $0.idleTimeoutSeconds = 1 }) { port in
            let socket = try LoopbackSocket(port: port)
            defer { socket.close() }
            socket.send("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
            // The server closes the connection (a read sees end of stream) long before the 10 s wait gives up.
            let started = ContinuousClock.now
            #expect(socket.readUntilClosed(waitingAtMost: 10) == .closed)
            #expect(ContinuousClock.now - started < .seconds(8))
        }
    }
}

/// A plain TCP connection to 127.0.0.1, for requests no HTTP client would send.
struct LoopbackSocket {
    enum ReadEnd: Equatable { case closed, stillOpen }
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError(errno: errno) }
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(descriptor, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads (and drops) whatever arrives until the peer closes or `seconds` pass.
    func readUntilClosed(waitingAtMost seconds: Int) -> ReadEnd {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return .closed }
            if count < 0 { return errno == ECONNRESET ? .closed : .stillOpen }
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}

struct SocketError: Error {
    var errno: Int32
}
