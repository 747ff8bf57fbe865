import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import Synchronization

/// What came back from one request.
public struct SendResult: Sendable {
    public var status: Int?
    public var headers: [(String, String)]
    /// At most `Attempt.maximumBodyBytes`.
    public var body: String?
    public var durationMs: Int
    public var error: DeliveryErrorKind?

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Sends rendered requests: only to http and https URLs, never to an address the guard refuses
/// (and then to the address it checked), no redirects followed, the whole exchange bounded by
/// the destination's timeout, and a response body read only up to 4 KiB (the rest never).
public struct WebhookSender: Sendable {
    let client: HTTPClient
    public let addressGuard: AddressGuard
    var pinnedClients: PinnedClients = .shared

    /// Sends through the process's shared client.
    public init(addressGuard: AddressGuard) {
        self.init(client: Self.sharedClient, addressGuard: addressGuard)
    }

    init(client: HTTPClient, addressGuard: AddressGuard, pinnedClients: PinnedClients = .shared) {
        self.client = client
        self.addressGuard = addressGuard
        self.pinnedClients = pinnedClients
    }

    /// One client for the whole process, like `HTTPClient.shared` but never following redirects.
    static let sharedClient = makeClient()

    /// A client with the sender's settings (the benchmark measures its ceiling with the same).
    public static func makeClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())
    }

    /// A client that connects `host` to `address` whatever DNS says, keeping the Host header and TLS name of `host`.
    static func makePinnedClient(host: String, address: String) -> HTTPClient {
        var configuration = configuration()
        configuration.dnsOverride = [host: address]
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func configuration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
        configuration.decompression = .disabled
        // A refused connection fails the attempt at once; the retry schedule decides what next.
        configuration.connectionPool.retryConnectionEstablishment = false
        // No tracer is bootstrapped: without this, every request still builds a no-op span's attributes.
        configuration.tracing.tracer = nil
        return configuration
    }

    public func send(_ request: RenderedRequest, timeoutMs: Int) async -> SendResult {
        let started = ContinuousClock.now
        let timeout = TimeAmount.milliseconds(Int64(max(timeoutMs, 1)))
        let deadline = NIODeadline.now() + timeout
        var result = await Self.bounded(by: deadline) { [self] in
            switch await addressGuard.route(for: request.url) {
            case .refused(let kind, let reason):
                return SendResult(status: nil, headers: [], body: "refused: \(reason)", durationMs: 0, error: kind)
            case .direct:
                return await Self.exchange(request, client: client, deadline: deadline)
            case .pinned(let host, let address):
                return await pinnedClients.withClient(host: host, address: address) { pinned in
                    await Self.exchange(request, client: pinned, deadline: deadline)
                }
            }
        }
        let duration = ContinuousClock.now - started
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        result.durationMs = Int(Int64(flooringSaturating: milliseconds) ?? 0)
        return result
    }

    /// The result of `work`, or a timeout once the deadline passes: then the work is cancelled
    /// (its connection closed), even if it was reading a body that trickles in.
    static func bounded(by deadline: NIODeadline, _ work: @escaping @Sendable () async -> SendResult) async -> SendResult {
        let race = Race()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let task = Task { race.finish(await work()) }
                let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(deadline: deadline) {
                    race.finish(SendResult(status: nil, headers: [], body: nil, durationMs: 0, error: .timeout))
                }
                race.start(continuation, task: task, timer: timer)
            }
        } onCancel: {
            race.cancel()
        }
    }

    /// One request and its response, the body cut at `Attempt.maximumBodyBytes`.
    static func exchange(_ request: RenderedRequest, client: HTTPClient, deadline: NIODeadline) async -> SendResult {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            var body = ByteBuffer()
            // Leaving the loop early drops the body stream: the client closes the connection, the rest is never read.
            for try await var chunk in response.body {
                let room = Attempt.maximumBodyBytes - body.readableBytes
                if chunk.readableBytes > room, let part = chunk.readSlice(length: room) {
                    body.writeImmutableBuffer(part)
                    break
                }
                body.writeBuffer(&chunk)
                if body.readableBytes >= Attempt.maximumBodyBytes { break }
            }
            let status = Int(response.status.code)
            return SendResult(
                status: status, headers: response.headers.map { ($0.name, $0.value) }, body: String(decoding: body.readableBytesView, as: UTF8.self),
                durationMs: 0, error: (300..<400).contains(status) ? .redirect : nil)
        } catch {
            return SendResult(status: nil, headers: [], body: nil, durationMs: 0, error: TransportErrors.kind(of: error))
        }
    }
}

/// The work of one send against its timer: whichever finishes first resumes the sender, and
/// the other is stopped (a late work result is dropped).
private final class Race: Sendable {
    private struct State {
        var continuation: CheckedContinuation<SendResult, Never>?
        var task: Task<Void, Never>?
        var timer: Scheduled<Void>?
        var result: SendResult?
        var cancelled = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<SendResult, Never>, task: Task<Void, Never>, timer: Scheduled<Void>) {
        let (finished, cancelled) = state.withLock { state -> (SendResult?, Bool) in
            guard state.result == nil else { return (state.result, false) }
            state.continuation = continuation
            state.task = task
            state.timer = timer
            return (nil, state.cancelled)
        }
        if let finished {
            // Finished before it was wired up: the timer is all that is left to stop.
            timer.cancel()
            task.cancel()
            continuation.resume(returning: finished)
        } else if cancelled {
            task.cancel()
        }
    }

    func finish(_ result: SendResult) {
        let (continuation, task, timer) = state.withLock { state -> (CheckedContinuation<SendResult, Never>?, Task<Void, Never>?, Scheduled<Void>?) in
            guard state.result == nil else { return (nil, nil, nil) }
            state.result = result
            defer { (state.continuation, state.task, state.timer) = (nil, nil, nil) }
            return (state.continuation, state.task, state.timer)
        }
        timer?.cancel()
        // After a timeout the exchange is cancelled: AsyncHTTPClient then closes its connection.
        task?.cancel()
        continuation?.resume(returning: result)
    }

    /// The sender itself was cancelled (shutdown): stop the work, which then finishes the race.
    func cancel() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
