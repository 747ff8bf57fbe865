import Foundation
import Synchronization
import Testing

@testable import SwitchboardServer

/// The send-time address check looks a host up once per 30 s, not once per request.
@Suite struct AddressGuardTests {
    final class Resolver: Sendable {
        let lookups = Mutex<[String]>([])
        let answers: [String: [String]] = ["hooks.example.com": ["93.184.216.34"], "inside.example.com": ["93.184.216.35", "10.1.2.3"]]

        func resolve(_ host: String) -> [String] {
            lookups.withLock { $0.append(host) }
            return answers[host] ?? []
        }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    static func guarded() -> (AddressGuard, Resolver, Clock) {
        let resolver = Resolver()
        let clock = Clock()
        let guardian = AddressGuard(allowPrivate: false, resolve: { resolver.resolve($0) }, now: { clock.time.withLock { $0 } })
        return (guardian, resolver, clock)
    }

    @Test func verdictsAreRememberedFor30Seconds() async {
        let (guardian, resolver, clock) = Self.guarded()
        for _ in 0..<5 { #expect(await guardian.refusal(for: "https://hooks.example.com/a") == nil) }
        for _ in 0..<3 { #expect(await guardian.refusal(for: "https://inside.example.com/b") == "inside.example.com resolves to a private address") }
        #expect(resolver.lookups.withLock { $0 } == ["hooks.example.com", "inside.example.com"])
        clock.advance(29)
        _ = await guardian.refusal(for: "https://HOOKS.example.com/c")
        #expect(resolver.lookups.withLock { $0.count } == 2)
        clock.advance(1)
        #expect(await guardian.refusal(for: "https://hooks.example.com/a") == nil)
        #expect(resolver.lookups.withLock { $0 } == ["hooks.example.com", "inside.example.com", "hooks.example.com"])
    }

    @Test func hostsThatDoNotResolveAreLookedUpEachTime() async {
        let (guardian, resolver, _) = Self.guarded()
        for _ in 0..<3 { #expect(await guardian.refusal(for: "https://nowhere.example.com/") == nil) }
        #expect(resolver.lookups.withLock { $0.count } == 3)
    }

    @Test func addressLiteralsAndLocalhostNeedNoLookup() async {
        let (guardian, resolver, _) = Self.guarded()
        #expect(await guardian.refusal(for: "http://127.0.0.1:8080/") == "127.0.0.1 is a loopback address")
        #expect(await guardian.refusal(for: "http://[::1]/") == "[::1] is a loopback address")
        #expect(await guardian.refusal(for: "http://api.localhost/") == "api.localhost is a loopback address")
        #expect(await guardian.refusal(for: "https://93.184.216.34/") == nil)
        #expect(resolver.lookups.withLock { $0 }.isEmpty)
    }
}
