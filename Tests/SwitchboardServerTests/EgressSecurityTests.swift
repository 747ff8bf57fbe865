import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import SwitchboardCore
@testable import SwitchboardWorkers
import SwitchboardServer

/// Where webhooks may go, on live sockets: only http(s), only to the address that was checked,
/// within the destination's timeout, and with header values that can be sent as they are.
@Suite struct EgressSecurityTests {
    /// Answers lookups from a script, counting them.
    final class Resolver: Sendable {
        private let answers: Mutex<[[String]]>
        let lookups = Atomic<Int>(0)

        init(_ answers: [[String]]) { self.answers = Mutex(answers) }

        /// The next scripted answer; the last one repeats.
        func resolve(_ host: String) -> [String] {
            lookups.add(1, ordering: .relaxed)
            return answers.withLock { $0.count > 1 ? $0.removeFirst() : $0.first ?? [] }
        }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
        var now: Date { time.withLock { $0 } }
    }

    static func request(_ url: String) -> RenderedRequest {
        RenderedRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
    }

    /// A receiver on 127.0.0.2 (standing in for a public address) and an internal service on 127.0.0.1, on one port.
    static func publicAndInternal() throws -> (public: RawServer, internal: RawServer) {
        for _ in 0..<20 {
            let publicServer = try RawServer(host: "127.0.0.2") { connection in
                if connection.readRequest() != nil { connection.respond(body: "public receiver") }
            }
            do {
                let internalServer = try RawServer(host: "127.0.0.1", port: publicServer.port) { connection in
                    if connection.readRequest() != nil { connection.respond(body: "internal secret") }
                }
                return (publicServer, internalServer)
            } catch {
                publicServer.stop()  // the port is taken on 127.0.0.1: try another
            }
        }
        throw RawServerError.failed("no port free on both 127.0.0.1 and 127.0.0.2", 0)
    }

    // MARK: item 4 of issue 11: DNS rebinding

    @Test(.timeLimit(.minutes(3)))
    func requestsGoToTheAddressThatWasCheckedNotToASecondLookup() async throws {
        let (publicServer, internalServer) = try Self.publicAndInternal()
        defer {
            publicServer.stop()
            internalServer.stop()
        }
        let resolver = Resolver([["127.0.0.2"], ["127.0.0.1"]])
        let clock = Clock()
        let addressGuard = AddressGuard(
            allowPrivate: false, allowedNetworks: [try #require(AddressRange("127.0.0.2/32"))], resolve: { resolver.resolve($0) }, now: { clock.now })
        let sender = WebhookSender(client: WebhookSender.sharedClient, addressGuard: addressGuard)
        let url = "http://hooks.rebind.test:\(publicServer.port)/hook"

        // Generous timeouts: other suites can stall this process for seconds; what is checked is where the requests go.
        let first = await sender.send(Self.request(url), timeoutMs: 30_000)
        #expect(first.status == 200 && first.body == "public receiver", "\(first)")
        // The name is kept for the Host header (and TLS), though the connection goes to the pinned address.
        #expect(publicServer.requests.first?.lowercased().contains("\r\nhost: hooks.rebind.test:\(publicServer.port)") == true, "\(publicServer.requests)")
        // The name now answers 127.0.0.1, but the checked verdict and its address hold for 30 s.
        let second = await sender.send(Self.request(url), timeoutMs: 30_000)
        #expect(second.status == 200 && second.body == "public receiver", "\(second)")
        #expect(resolver.lookups.load(ordering: .relaxed) == 1)
        // Looked up again after 30 s: the new answer is checked, and refused.
        clock.advance(30)
        let third = await sender.send(Self.request(url), timeoutMs: 5000)
        #expect(third.error == .refusedAddress && third.status == nil, "\(third)")
        #expect(third.body?.contains("loopback") == true)
        #expect(publicServer.requests.count == 2)
        #expect(internalServer.accepted == 0)
    }

    @Test func aHostThatDoesNotResolveIsRefusedAtSendTime() async throws {
        let resolver = Resolver([[]])
        let sender = WebhookSender(
            client: WebhookSender.sharedClient, addressGuard: AddressGuard(allowPrivate: false, resolve: { resolver.resolve($0) }))
        let result = await sender.send(Self.request("http://nowhere.invalid:1/x"), timeoutMs: 5000)
        #expect(result.error == .dns && result.status == nil)
        #expect(result.body == "refused: nowhere.invalid did not resolve")
    }

    // MARK: item 1: only http and https

    @Test(.timeLimit(.minutes(3)), arguments: [true, false])
    func unixSocketURLsAreNeverConnected(allowPrivate: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("daemon.sock").path
        let daemon = try RawServer(unixPath: path) { connection in
            if connection.readRequest() != nil { connection.respond(body: "daemon secrets") }
        }
        defer { daemon.stop() }
        let encoded = path.replacingOccurrences(of: "/", with: "%2F")
        let sender = WebhookSender(
            client: WebhookSender.sharedClient, addressGuard: AddressGuard(allowPrivate: allowPrivate, resolve: { _ in ["127.0.0.1"] }))
        for url in ["http+unix://\(encoded)/info", "unix://\(path)", "https+unix://\(encoded)/", "HTTP+UNIX://\(encoded)/info", "http:///info", "http://@/x"] {
            let result = await sender.send(Self.request(url), timeoutMs: 5000)
            #expect(result.error == .refusedAddress && result.status == nil, "\(url): \(result)")
            #expect(result.body?.contains("not an http or https URL") == true, "\(url): \(result.body ?? "")")
        }
        #expect(daemon.accepted == 0)
    }

    @Test(arguments: [
        "http+unix://%2Frun%2Fdaemon.sock/info", "unix:///run/daemon.sock", "ftp://files.example.com/x", "http+unix://%2Frun%2Fx.sock/{{ userId }}",
        "unix:{{ userId }}", "file://{{ userId }}", "http:///{{ userId }}", "//hooks.example.com/{{ userId }}", "hooks.example.com",
    ])
    func mappingURLsThatCanNeverBeHTTPAreRefusedAtSave(url: String) async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://hooks.example.com/in"])
            let response = try await client.call(
                .post, "/v1/subscriptions", json: ["name": "s", "destinationId": destination["id"] ?? .null, "eventNames": ["*"], "mapping": ["url": .string(url)]])
            #expect(response.status == .unprocessableContent, "\(url): \(response.json)")
            #expect(response.error.code == "validation_failed")
            #expect(response.error.field == "mapping.url")
        }
    }

    @Test(arguments: ["https://hooks.example.com/{{ userId }}", "{{ destination.url }}", "http{{ userId }}", "HTTPS://x.example.com/a", "https://hooks.example.com"])
    func mappingURLsThatMayBeHTTPAreAccepted(url: String) async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://hooks.example.com/in"])
            let response = try await client.call(
                .post, "/v1/subscriptions", json: ["name": "s", "destinationId": destination["id"] ?? .null, "eventNames": ["*"], "mapping": ["url": .string(url)]])
            #expect(response.status == .created, "\(url): \(response.json)")
        }
    }

    // MARK: item 5: the timeout covers the body

    @Test(.timeLimit(.minutes(3)))
    func aBodyThatTricklesInTimesOut() async throws {
        let receiver = try RawServer(host: "127.0.0.1") { connection in
            guard connection.readRequest() != nil else { return }
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\n")
            for _ in 0..<100 where !connection.isStopped {
                guard connection.write("x") else {
                    connection.server.note("closed by the sender")
                    return
                }
                connection.pause(.seconds(1))
            }
        }
        defer { receiver.stop() }
        try await withSwitchboard { client in
            let destination = try await client.create(
                "/v1/destinations", ["name": "slow", "url": .string("http://127.0.0.1:\(receiver.port)/hook"), "timeoutMs": 1000])
            let result = try await client.call(.post, "/v1/destinations/\(destination["id"]?.stringValue ?? "")/test").json
            #expect(result["error"] == "timeout", "\(result)")
            #expect(result["response"] == .null)
            let duration = try #require(result["durationMs"]?.wholeNumber)
            #expect(duration >= 1000 && duration < 5000, "\(duration) ms")
            // The connection is dropped: the receiver's next byte finds it closed.
            try await eventually { receiver.events.contains("closed by the sender") ? true : nil }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aResponseBodyIsCutAt4KiBAndTheRestNeverRead() async throws {
        let receiver = try RawServer(host: "127.0.0.1") { connection in
            guard connection.readRequest() != nil else { return }
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\nContent-Type: text/plain\r\n\r\n")
            connection.write(String(repeating: "a", count: 8192))
            // The rest never comes: a sender that waited for it would hang until its timeout.
            if connection.waitForPeerClose(timeout: .seconds(20)) { connection.server.note("closed by the sender") }
        }
        defer { receiver.stop() }
        try await withSwitchboard { client in
            let destination = try await client.create(
                "/v1/destinations", ["name": "big", "url": .string("http://127.0.0.1:\(receiver.port)/hook"), "timeoutMs": 20000])
            let result = try await client.call(.post, "/v1/destinations/\(destination["id"]?.stringValue ?? "")/test").json
            #expect(result["error"] == .null, "\(result)")
            #expect(result["response"]?["status"] == 200)
            #expect(result["response"]?["body"]?.stringValue?.utf8.count == Attempt.maximumBodyBytes)
            #expect((result["durationMs"]?.wholeNumber ?? .max) < 5000)
            try await eventually { receiver.events.contains("closed by the sender") ? true : nil }
        }
    }

    // MARK: attempt errors name what failed

    @Test(.timeLimit(.minutes(3)))
    func transportFailuresAreNamedByKind() async throws {
        let plainHTTP = try RawServer(host: "127.0.0.1") { connection in
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            _ = connection.waitForPeerClose(timeout: .seconds(5))
        }
        let closedPort = try RefusingPort()
        defer { plainHTTP.stop() }
        let sender = WebhookSender(client: WebhookSender.sharedClient, addressGuard: AddressGuard(allowPrivate: true))
        // A name the client resolves itself, then a refused connection: not a DNS failure.
        let refused = await sender.send(Self.request("http://localhost:\(closedPort.port)/"), timeoutMs: 5000)
        #expect(refused.error == .connection, "\(refused)")
        // The system resolver asks the machine's DNS server, which a loaded machine can keep waiting for seconds.
        let unknown = await sender.send(Self.request("http://does-not-exist.invalid/"), timeoutMs: 30_000)
        #expect(unknown.error == .dns, "\(unknown)")
        let notTLS = await sender.send(Self.request("https://127.0.0.1:\(plainHTTP.port)/"), timeoutMs: 5000)
        #expect(notTLS.error == .tls, "\(notTLS)")
    }

    // MARK: item 11: special-purpose ranges and names

    static let specialPurposeURLs = [
        "http://LOCALHOST./hook", "http://localhost../", "http://127.0.0.1./", "http://Api.LocalHost./", "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data", "http://[64:ff9b:1::808:808]/", "http://[2002:7f00:1::1]/", "http://[2002:a00:1::]/",
        "http://[fec0::1]/", "http://[2001::1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[2001:db8::1]/", "http://[3fff::1]/",
        "http://[100::1]/", "http://[::a00:1]/", "http://[5f00::1]/", "http://192.0.0.8/", "http://192.0.2.10/", "http://198.18.0.1/",
        "http://198.19.255.1/", "http://198.51.100.7/", "http://203.0.113.9/", "http://100.64.0.1/", "http://255.255.255.255/", "http://240.0.0.1/",
        "http://192.88.99.1/",
    ]

    @Test(arguments: specialPurposeURLs)
    func specialPurposeAddressesAndDottedNamesAreRefusedAtSave(url: String) async throws {
        try await withSwitchboard({ $0.allowPrivateDestinations = false }) { client in
            let response = try await client.call(.post, "/v1/destinations", json: ["name": "special", "url": .string(url)])
            #expect(response.status == .unprocessableContent, "\(url): \(response.json)")
            #expect(response.error.field == "url")
        }
    }

    @Test func specialPurposeAddressesAreRefusedAtSendTime() async throws {
        let sender = WebhookSender(client: WebhookSender.sharedClient, addressGuard: AddressGuard(allowPrivate: false, resolve: { _ in [] }))
        for url in Self.specialPurposeURLs {
            // A long timeout: a busy machine must not turn a refusal into a timeout.
            let result = await sender.send(Self.request(url), timeoutMs: 60_000)
            #expect(result.error == .refusedAddress, "\(url): \(result)")
        }
    }

    @Test func namesAreComparedWithoutCaseOrTrailingDots() async throws {
        try await withSwitchboard({ $0.destinationHosts = ["hooks.example.com"] }) { client in
            let allowed = try await client.call(.post, "/v1/destinations", json: ["name": "a", "url": "https://HOOKS.example.com./a"])
            #expect(allowed.status == .created, "\(allowed.json)")
            let other = try await client.call(.post, "/v1/destinations", json: ["name": "b", "url": "https://hooks.example.com.evil.example/a"])
            #expect(other.status == .unprocessableContent)
        }
    }

    // MARK: item 12: header fields as bytes

    static let badHeaderValues = ["a\r\nb", "a\nX-Injected: 1", "a\rb", "a\u{0}b", "a\u{7F}b", "a\u{1B}[31m", " leading", "trailing ", "tab\t"]

    @Test(arguments: badHeaderValues)
    func destinationHeaderValuesThatCannotBeSentAreRefused(value: String) async throws {
        try await withSwitchboard { client in
            let response = try await client.call(
                .post, "/v1/destinations", json: ["name": "d", "url": "https://hooks.example.com/in", "headers": ["X-A": .string(value)]])
            #expect(response.status == .unprocessableContent, "\(value.debugDescription): \(response.json)")
            #expect(response.error.field == "headers.X-A")
            let created = try await client.create("/v1/destinations", ["name": "d", "url": "https://hooks.example.com/in"])
            let changed = try await client.call(.patch, "/v1/destinations/\(created["id"]?.stringValue ?? "")", json: ["headers": ["X-A": .string(value)]])
            #expect(changed.status == .unprocessableContent)
        }
    }

    @Test(arguments: ["a\r\nb{{ userId }}", "{{ userId }}\r\n", "x\u{0}{{ userId }}", " {{ userId }}", "{{ userId }} "])
    func mappingHeaderTemplatesWhoseTextCannotBeSentAreRefused(value: String) async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://hooks.example.com/in"])
            let response = try await client.call(
                .post, "/v1/subscriptions",
                json: ["name": "s", "destinationId": destination["id"] ?? .null, "eventNames": ["*"], "mapping": ["headers": ["X-B": .string(value)]]])
            #expect(response.status == .unprocessableContent, "\(value.debugDescription): \(response.json)")
            #expect(response.error.field == "mapping.headers.X-B")
        }
    }

    @Test func headerValuesThatCanBeSentAreKept() async throws {
        try await withSwitchboard { client in
            let headers: JSONValue = ["Authorization": "Bearer abc.DEF~_-+/=", "X-Empty": "", "X-Inner": "a \t b", "X-Text": "caf\u{E9} \u{2713}"]
            let created = try await client.create("/v1/destinations", ["name": "d", "url": "https://hooks.example.com/in", "headers": headers])
            #expect(created["headers"] == headers)
            let subscription = try await client.call(
                .post, "/v1/subscriptions",
                json: ["name": "s", "destinationId": created["id"] ?? .null, "eventNames": ["*"], "mapping": ["headers": ["X-User": "user {{ userId }} !"]]])
            #expect(subscription.status == .created, "\(subscription.json)")
        }
    }
}

extension JSONValue {
    /// The value as an Int when it is a whole number.
    fileprivate var wholeNumber: Int? {
        if case .int(let value) = self { return Int(value) }
        return nil
    }
}
