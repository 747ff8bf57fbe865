import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import SwitchboardCore
import Testing

/// A webhook receiver in the test process, on a real socket: it records every request and
/// answers from a script (default 200).
final class Receiver: Sendable {
    struct Received: Sendable {
        var method: String
        var uri: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var at: Date

        var json: JSONValue? { try? JSONCoding.parse(body, maximumDepth: .max) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
        var body = "ok"
        /// How long to wait before answering.
        var delay: Duration = .zero
    }

    private struct State {
        var received: [Received] = []
        var script: [Reply] = []
        var fallback = Reply()
        var inFlight = 0
        var maxInFlight = 0
        /// A random delay up to this is added to every reply.
        var jitter: Duration = .zero
    }

    private let state = Mutex(State())

    var requests: [Received] { state.withLock { $0.received } }
    /// The most requests it was ever handling at once.
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    func jitter(upTo limit: Duration) { state.withLock { $0.jitter = limit } }

    /// The next replies, in order; after them, `fallback`.
    func script(_ replies: [Reply], then fallback: Reply = Reply()) {
        state.withLock {
            $0.script = replies
            $0.fallback = fallback
        }
    }

    fileprivate func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let (reply, jitter) = state.withLock { state -> (Reply, Duration) in
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            state.received.append(
                Received(method: request.method.rawValue, uri: request.uri.description, headers: request.headers.map { ($0.name.canonicalName, $0.value) }, body: Array(body.readableBytesView), at: Date()))
            return (state.script.isEmpty ? state.fallback : state.script.removeFirst(), state.jitter)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        let pause = reply.delay + (jitter > .zero ? .milliseconds(Int64.random(in: 0...(jitter.components.seconds * 1000 + jitter.components.attoseconds / 1_000_000_000_000_000))) : .zero)
        if pause > .zero { try? await Task.sleep(for: pause) }
        return Response(status: reply.status, headers: reply.headers, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }

    /// Runs `test` with a receiver listening on 127.0.0.1.
    static func with(_ test: @Sendable (Receiver, String) async throws -> Void) async throws {
        let receiver = Receiver()
        let router = Router()
        for path in ["/", "**"] {
            for method in [HTTPRequest.Method.post, .put, .patch] {
                router.on(RouterPath(path), method: method) { request, _ in try await receiver.handle(request) }
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await test(receiver, "http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    /// Waits (up to `timeout`) until `count` requests arrived.
    @discardableResult
    func waitFor(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Received] {
        try await eventually(timeout: timeout) { requests.count >= count ? requests : nil }
    }
}

/// Polls `check` until it returns a value or the time is up (then the test fails).
func eventually<T>(timeout: Duration = .seconds(30), _ check: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = try await check() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    if let value = try await check() { return value }
    throw TimedOut()
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String { "the condition did not hold in time" }
}
