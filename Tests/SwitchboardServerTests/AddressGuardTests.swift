import AsyncHTTPClient
import Foundation
import SwitchboardCore
import Synchronization
import Testing

@testable import SwitchboardWorkers

/// The send-time address check: http(s) only, a host looked up once per 30 s, every address
/// checked, and the request pinned to a checked one.
@Suite struct AddressGuardTests {
    final class Resolver: Sendable {
        let lookups = Mutex<[String]>([])
        let answers: [String: [String]] = [
            "hooks.example.com": ["93.184.216.34"], "inside.example.com": ["93.184.216.35", "10.1.2.3"],
            "dual.example.com": ["2606:2800:220:1:248:1893:25c8:1946", "93.184.216.36"], "v6.example.com": ["2606:2800:220:1:248:1893:25c8:1946"],
            "office.example.com": ["10.20.30.40"], "mapped.example.com": ["::ffff:10.20.30.41"], "garbage.example.com": ["not-an-address"],
        ]

        func resolve(_ host: String) -> [String] {
            lookups.withLock { $0.append(host) }
            return answers[host] ?? []
        }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    static func guarded(allowedNetworks: [String] = []) -> (AddressGuard, Resolver, Clock) {
        let resolver = Resolver()
        let clock = Clock()
        let guardian = AddressGuard(
            allowPrivate: false, allowedNetworks: allowedNetworks.compactMap(AddressRange.init), resolve: { resolver.resolve($0) },
            now: { clock.time.withLock { $0 } })
        return (guardian, resolver, clock)
    }

    @Test func verdictsAndTheirAddressAreRememberedFor30Seconds() async {
        let (guardian, resolver, clock) = Self.guarded()
        for _ in 0..<5 { #expect(await guardian.route(for: "https://hooks.example.com/a") == .pinned(host: "hooks.example.com", address: "93.184.216.34")) }
        for _ in 0..<3 {
            #expect(await guardian.refusal(for: "https://inside.example.com/b") == "inside.example.com resolves to a private address (10.1.2.3)")
        }
        #expect(resolver.lookups.withLock { $0 } == ["hooks.example.com", "inside.example.com"])
        clock.advance(29)
        // Another spelling of the same name shares the verdict; the client keeps its own spelling.
        #expect(await guardian.route(for: "https://HOOKS.example.com./c") == .pinned(host: "HOOKS.example.com.", address: "93.184.216.34"))
        #expect(resolver.lookups.withLock { $0.count } == 2)
        clock.advance(1)
        #expect(await guardian.refusal(for: "https://hooks.example.com/a") == nil)
        #expect(resolver.lookups.withLock { $0 } == ["hooks.example.com", "inside.example.com", "hooks.example.com"])
    }

    @Test func hostsThatDoNotResolveAreRefusedAtSendAndLookedUpEachTime() async {
        let (guardian, resolver, _) = Self.guarded()
        for _ in 0..<3 { #expect(await guardian.route(for: "https://nowhere.example.com/") == .refused(.dns, "nowhere.example.com did not resolve")) }
        #expect(resolver.lookups.withLock { $0.count } == 3)
        // Saving such a destination is not refused: DNS may be set up after it.
        #expect(await guardian.refusal(for: "https://nowhere.example.com/") == nil)
        #expect(await guardian.route(for: "https://garbage.example.com/") == .refused(.refusedAddress, "garbage.example.com resolves to not-an-address, not an address"))
    }

    @Test func addressLiteralsAndLocalhostNeedNoLookupNorPin() async {
        let (guardian, resolver, _) = Self.guarded()
        #expect(await guardian.refusal(for: "http://127.0.0.1:8080/")?.hasSuffix("is a loopback address") == true)
        #expect(await guardian.refusal(for: "http://[::1]/")?.hasSuffix("is a loopback address") == true)
        #expect(await guardian.refusal(for: "http://api.localhost/") == "api.localhost is a loopback address")
        #expect(await guardian.refusal(for: "http://LOCALHOST./") == "localhost is a loopback address")
        #expect(await guardian.refusal(for: "http://127.0.0.1./")?.hasSuffix("is a loopback address") == true)
        #expect(await guardian.route(for: "https://93.184.216.34/") == .direct)
        #expect(await guardian.route(for: "https://[2606:2800:220:1:248:1893:25c8:1946]/") == .direct)
        // The client takes `93.184.216.34.` for a name: it is pinned to the address it spells.
        #expect(await guardian.route(for: "https://93.184.216.34./") == .pinned(host: "93.184.216.34.", address: "93.184.216.34"))
        #expect(resolver.lookups.withLock { $0 }.isEmpty)
    }

    @Test func anyRefusedAddressRefusesTheHostAndIPv4IsPreferred() async {
        let (guardian, _, _) = Self.guarded()
        #expect(await guardian.route(for: "https://dual.example.com/") == .pinned(host: "dual.example.com", address: "93.184.216.36"))
        #expect(await guardian.route(for: "https://v6.example.com/") == .pinned(host: "v6.example.com", address: "2606:2800:220:1:248:1893:25c8:1946"))
        #expect(await guardian.route(for: "https://inside.example.com/") == .refused(.refusedAddress, "inside.example.com resolves to a private address (10.1.2.3)"))
    }

    @Test func allowedNetworksAreExceptions() async {
        let (guardian, _, _) = Self.guarded(allowedNetworks: ["10.20.30.0/24"])
        #expect(await guardian.route(for: "https://office.example.com/") == .pinned(host: "office.example.com", address: "10.20.30.40"))
        #expect(await guardian.route(for: "https://mapped.example.com/") == .pinned(host: "mapped.example.com", address: "::ffff:10.20.30.41"))
        #expect(await guardian.route(for: "http://10.20.30.9/") == .direct)
        #expect(await guardian.route(for: "http://10.20.31.9/") == .refused(.refusedAddress, "10.20.31.9 is a private address"))
        #expect(await guardian.route(for: "https://inside.example.com/") == .refused(.refusedAddress, "inside.example.com resolves to a private address (10.1.2.3)"))
    }

    @Test(arguments: [true, false])
    func onlyHTTPAndHTTPSWithAHostPassEvenWhenPrivateIsAllowed(allowPrivate: Bool) async {
        let guardian = AddressGuard(allowPrivate: allowPrivate, resolve: { _ in ["93.184.216.34"] })
        for url in ["http+unix://%2Frun%2Fx.sock/info", "unix:///run/x.sock", "https+unix://%2Fx/", "ftp://example.com/", "http:///x", "http://:80/x", "http:x", " http://x/", "file:///etc/passwd"] {
            guard case .refused(.refusedAddress, let reason) = await guardian.route(for: url) else {
                Issue.record("\(url) was not refused")
                continue
            }
            #expect(reason.contains("not an http or https URL"), "\(url): \(reason)")
        }
        let upperCase = await guardian.route(for: "HTTPS://hooks.example.com/")
        #expect(upperCase == (allowPrivate ? .direct : .pinned(host: "hooks.example.com", address: "93.184.216.34")))
    }

    @Test func noPolicyNeedsNoParsingNorLookup() async {
        let guardian = AddressGuard(allowPrivate: true, resolve: { _ in
            Issue.record("looked up")
            return []
        })
        #expect(await guardian.route(for: "http://127.0.0.1:9/x") == .direct)
        #expect(await guardian.route(for: "http://internal.example/x") == .direct)
    }

    @Test func droppedPinnedClientsAreShutDownOnceTheirRequestsAreDone() async throws {
        let clients = PinnedClients(capacity: 1)
        let (held, release) = AsyncStream.makeStream(of: Void.self)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        async let first: Void = clients.withClient(host: "a.example", address: "192.0.2.1") { _ in
            enter.yield()
            for await _ in held { break }
        }
        for await _ in entered { break }
        // A second (host, address) pushes the first out, but it is still carrying a request.
        await clients.withClient(host: "b.example", address: "192.0.2.2") { _ in }
        #expect(clients.counts == (live: 1, retiring: 1))
        release.yield()
        await first
        #expect(clients.counts == (live: 1, retiring: 0))
        // The remaining live client is dropped (and shut down) by the next new one, leaving one to shut down here.
        let last = PinnedClients.Key(host: "c.example", address: "192.0.2.3")
        await clients.withClient(host: last.host, address: last.address) { client in
            try? await client.shutdown()
        }
        #expect(clients.counts == (live: 1, retiring: 0))
    }
}
