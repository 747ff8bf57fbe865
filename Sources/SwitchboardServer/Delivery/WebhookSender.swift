import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import Synchronization

/// What came back from one request.
struct SendResult: Sendable {
    var status: Int?
    var headers: [(String, String)]
    /// At most `Attempt.maximumBodyBytes`.
    var body: String?
    var durationMs: Int
    var error: DeliveryErrorKind?

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Sends rendered requests: no redirects followed, bounded time, a response body read only
/// up to 4 KiB, and (unless allowed) never to a loopback, private or link-local address.
public struct WebhookSender: Sendable {
    let client: HTTPClient
    let addressGuard: AddressGuard

    /// One client for the whole process, like `HTTPClient.shared` but never following redirects.
    static let sharedClient = makeClient()

    /// A client with the sender's settings (the benchmark measures its ceiling with the same).
    public static func makeClient() -> HTTPClient {
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
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: RenderedRequest, timeoutMs: Int) async -> SendResult {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - started
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        if let refusal = await addressGuard.refusal(for: request.url) {
            return SendResult(status: nil, headers: [], body: "refused: \(refusal)", durationMs: elapsed(), error: .refusedAddress)
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(max(timeoutMs, 1))))
            var body = ByteBuffer()
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
                durationMs: elapsed(), error: (300..<400).contains(status) ? .redirect : nil)
        } catch {
            return SendResult(status: nil, headers: [], body: nil, durationMs: elapsed(), error: Self.classify(error))
        }
    }

    /// The kind of a transport error, from its type and description (no payload kept).
    static func classify(_ error: any Error) -> DeliveryErrorKind {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error) { return .timeout }
            if error == .remoteConnectionClosed { return .connection }
        }
        let text = String(describing: error).lowercased()
        if text.contains("timeout") || text.contains("timed out") || text.contains("deadline") { return .timeout }
        if text.contains("ssl") || text.contains("tls") || text.contains("certificate") || text.contains("handshake") { return .tls }
        if text.contains("dns") || text.contains("resolve") || text.contains("getaddrinfo") || text.contains("nodename") { return .dns }
        if text.contains("connect") || text.contains("refused") || text.contains("reset") || text.contains("closed") || text.contains("unreachable") {
            return .connection
        }
        return .other
    }
}

/// Refuses URLs whose host is, or resolves to, an address the policy forbids.
struct AddressGuard: Sendable {
    var allowPrivate: Bool
    /// When set, the only hosts webhooks may go to (an egress allowlist).
    var allowedHosts: Set<String>? = nil
    /// The host's addresses as text (the system resolver, on the thread pool; tests pass their own).
    var resolve: @Sendable (String) async -> [String] = { host in (try? await NIOThreadPool.singleton.runIfActive { AddressGuard.systemAddresses(host) }) ?? [] }
    var now: @Sendable () -> Date = { Date() }
    /// Verdicts on resolved hosts, kept 30 s: otherwise every send waits for a DNS lookup first.
    let verdicts = HostVerdicts()

    /// Why the URL may not be called, or nil. A host that does not resolve is not refused here:
    /// the request itself will fail with `dns`.
    func refusal(for url: String) async -> String? {
        // Parsing the URL is the costly part, and there is nothing to check without a policy.
        if allowPrivate && allowedHosts == nil { return nil }
        let host = URLComponents(string: url)?.host?.lowercased() ?? ""
        if let allowedHosts, !allowedHosts.contains(host) { return "\(host) is not an allowed destination host" }
        guard !allowPrivate, !host.isEmpty else { return nil }
        let literal = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if AddressPolicy.refusal(for: literal) != .reserved {
            return AddressPolicy.refusal(for: literal).map { "\(host) is a \($0.rawValue) address" }
        }
        if host == "localhost" || host.hasSuffix(".localhost") { return "\(host) is a loopback address" }
        if let cached = verdicts.verdict(for: host, now: now()) { return cached.refusal }
        let addresses = await resolve(host)
        let refusal = addresses.lazy.compactMap(AddressPolicy.refusal(for:)).first.map { "\(host) resolves to a \($0.rawValue) address" }
        // A host that did not resolve is asked again next time: it may resolve anywhere then.
        if !addresses.isEmpty { verdicts.remember(HostVerdicts.Verdict(refusal: refusal), for: host, now: now()) }
        return refusal
    }

    /// Every address the system resolver gives for the host, as text.
    static func systemAddresses(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if entry.pointee.ai_family == AF_INET {
                entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
                }
            } else if entry.pointee.ai_family == AF_INET6 {
                entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
                }
            }
            let text = String(cString: buffer)
            if !text.isEmpty { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

/// What resolving each host showed, shared by every copy of the guard.
final class HostVerdicts: Sendable {
    struct Verdict: Sendable {
        var refusal: String?
    }

    private let cache = Mutex(ExpiringCache<String, Verdict>(lifetime: 30, capacity: 10_000))

    func verdict(for host: String, now: Date) -> Verdict? { cache.withLock { $0.value(for: host, now: now) } }

    func remember(_ verdict: Verdict, for host: String, now: Date) { cache.withLock { $0.insert(verdict, for: host, now: now) } }
}
