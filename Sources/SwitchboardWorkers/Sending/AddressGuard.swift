import Foundation
import NIOCore
import NIOPosix
import SwitchboardCore
import Synchronization

/// Decides where a webhook may go. Only http and https URLs with a host pass, always. Unless
/// private destinations are allowed, the host is resolved here, once per 30 s, every address is
/// checked against `AddressPolicy` (with the operator's allowed networks as exceptions), and the
/// request is pinned to a checked address: the HTTP client never resolves the name again, so
/// a name that changes its answer (DNS rebinding) cannot lead it elsewhere.
public struct AddressGuard: Sendable {
    var allowPrivate: Bool
    /// When set, the only hosts webhooks may go to (an egress allowlist).
    var allowedHosts: Set<String>? = nil
    /// Networks allowed although the policy refuses them (an internal service the operator trusts).
    var allowedNetworks: [AddressRange] = []
    /// The host's addresses as text (the system resolver, on the thread pool; tests pass their own).
    var resolve: @Sendable (String) async -> [String] = { host in (try? await NIOThreadPool.singleton.runIfActive { AddressGuard.systemAddresses(host) }) ?? [] }
    var now: @Sendable () -> Date = { Date() }
    /// Verdicts on resolved hosts, with the address chosen, kept 30 s: otherwise every send waits for a DNS lookup first.
    let verdicts = HostVerdicts()

    public init(
        allowPrivate: Bool, allowedHosts: Set<String>? = nil, allowedNetworks: [AddressRange] = [],
        resolve: (@Sendable (String) async -> [String])? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.allowPrivate = allowPrivate
        self.allowedHosts = allowedHosts
        self.allowedNetworks = allowedNetworks
        if let resolve { self.resolve = resolve }
        self.now = now
    }

    /// How a request may be sent.
    enum Route: Sendable, Equatable {
        /// Not at all: the error to record and why.
        case refused(DeliveryErrorKind, String)
        /// Through the shared client, which resolves the host itself (no address policy, or the host is an address).
        case direct
        /// Through a client that connects `host` (as the HTTP client spells it) to `address`.
        case pinned(host: String, address: String)
    }

    /// Why the URL may not be saved as a destination, or nil. A host that does not resolve now
    /// is not refused here: sending checks again (and refuses it then).
    public func refusal(for url: String) async -> String? {
        if case .refused(let kind, let reason) = await route(for: url), kind != .dns { return reason }
        return nil
    }

    func route(for url: String) async -> Route {
        // Without a policy only the scheme matters, and a byte scan tells it: no URL parsing on the hot path.
        if allowPrivate && allowedHosts == nil {
            return DestinationURL.hasWebScheme(url) ? .direct : .refused(.refusedAddress, Self.schemeRefusal(url))
        }
        // The host exactly as the HTTP client will read it (Foundation's URL, brackets trimmed), so both judge the same name.
        guard let rawHost = DestinationURL.host(of: url) else {
            return .refused(.refusedAddress, Self.schemeRefusal(url))
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let name = DestinationURL.normalizedHost(host)
        guard !name.isEmpty else { return .refused(.refusedAddress, Self.schemeRefusal(url)) }
        if let allowedHosts, !allowedHosts.contains(name) { return .refused(.refusedAddress, "\(name) is not an allowed destination host") }
        if allowPrivate { return .direct }
        // An address the client takes as one is connected to as it is: no lookup, no pin.
        if let address = try? SocketAddress(ipAddress: host, port: 0), let bytes = Self.bytes(address) {
            return refusal(bytes).map { .refused(.refusedAddress, "\(rawHost) is a \($0.rawValue) address") } ?? .direct
        }
        // `127.0.0.1.` is a name to the client, but names that address: judged as it, pinned to it.
        if let bytes = AddressPolicy.bytes(of: name) {
            return refusal(bytes).map { .refused(.refusedAddress, "\(rawHost) is a \($0.rawValue) address") } ?? .pinned(host: host, address: name)
        }
        if name == "localhost" || name.hasSuffix(".localhost") { return .refused(.refusedAddress, "\(name) is a loopback address") }
        let verdict: HostVerdicts.Verdict
        if let cached = verdicts.verdict(for: name, now: now()) {
            verdict = cached
        } else {
            let addresses = await resolve(name)
            // A host that did not resolve is asked again next time, and nothing is connected now.
            guard !addresses.isEmpty else { return .refused(.dns, "\(name) did not resolve") }
            verdict = judge(name, addresses)
            verdicts.remember(verdict, for: name, now: now())
        }
        if let refusal = verdict.refusal { return .refused(.refusedAddress, refusal) }
        return verdict.address.map { .pinned(host: host, address: $0) } ?? .refused(.refusedAddress, "\(name) has no usable address")
    }

    /// The verdict on every address a name resolved to, and the one to connect to: an IPv4
    /// address when there is one (a host without IPv6 routes reaches it), else the first.
    func judge(_ name: String, _ addresses: [String]) -> HostVerdicts.Verdict {
        var chosen: String?
        for address in addresses {
            guard let socketAddress = try? SocketAddress(ipAddress: address, port: 0), let bytes = Self.bytes(socketAddress) else {
                return .init(refusal: "\(name) resolves to \(address), not an address")
            }
            if let refusal = refusal(bytes) { return .init(refusal: "\(name) resolves to a \(refusal.rawValue) address (\(address))") }
            if chosen == nil || (bytes.count == 4 && !(chosen?.contains(".") ?? false)) { chosen = address }
        }
        return .init(refusal: nil, address: chosen)
    }

    /// The policy's refusal, unless the operator allowed the address's network.
    func refusal(_ bytes: [UInt8]) -> AddressPolicy.Refusal? {
        guard let refusal = AddressPolicy.refusal(bytes: bytes) else { return nil }
        return allowedNetworks.contains { $0.contains(bytes) } ? nil : refusal
    }

    static func schemeRefusal(_ url: String) -> String {
        let shown = url.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return "\(shown.prefix(64))... is not an http or https URL with a host: nothing else is ever sent to"
    }

    static func bytes(_ address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4): withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default: nil
        }
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
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

/// What resolving each host showed, shared by every copy of the guard.
final class HostVerdicts: Sendable {
    struct Verdict: Sendable, Equatable {
        var refusal: String?
        /// The checked address requests connect to while the verdict lasts.
        var address: String?
    }

    private let cache = Mutex(ExpiringCache<String, Verdict>(lifetime: 30, capacity: 10_000))

    func verdict(for host: String, now: Date) -> Verdict? { cache.withLock { $0.value(for: host, now: now) } }

    func remember(_ verdict: Verdict, for host: String, now: Date) { cache.withLock { $0.insert(verdict, for: host, now: now) } }
}
