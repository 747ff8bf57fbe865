import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardStorage
import Testing

/// The real `switchboard serve` binary: a stored URL that points at a unix socket is never
/// connected, and a name that changes its answer between sends (DNS rebinding) does not move
/// requests to an internal service.
@Suite struct EgressSecurityProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func aUnixSocketURLIsRefusedAtSaveAndNeverConnectedAtSend() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socketPath = directory.url.appendingPathComponent("daemon.sock").path
        let daemon = try RawServer(unixPath: socketPath) { connection in
            if connection.readRequest() != nil { connection.respond(body: "daemon secrets") }
        }
        defer { daemon.stop() }
        // Even with private destinations allowed, only http and https are ever sent to.
        let server = try await ServerProcess(
            database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], arguments: ["--port", "0", "--allow-private-destinations"])
        defer { server.kill() }
        let socketURL = "http+unix://" + socketPath.replacingOccurrences(of: "/", with: "%2F") + "/info"

        let refusedDestination = try await server.call(.POST, "/v1/destinations", json: ["name": "socket", "url": .string(socketURL)])
        let source = try await server.call(.POST, "/v1/sources", json: ["name": "web", "type": "segment"])
        let destination = try await server.call(.POST, "/v1/destinations", json: ["name": "hook", "url": "http://127.0.0.1:9/hook"])
        let destinationId = try #require(destination.json["id"]?.stringValue)
        var refusedMappings: [(String, Int, JSONValue)] = []
        for url in [socketURL, "unix://\(socketPath)", "http+unix://%2Ftmp%2Fx.sock/{{ userId }}"] {
            let response = try await server.call(
                .POST, "/v1/subscriptions", json: ["name": "s", "destinationId": .string(destinationId), "eventNames": ["*"], "mapping": ["url": .string(url)]])
            refusedMappings.append((url, response.status, response.json))
        }
        // A URL stored before it was validated (as from an older version) reaches the sender as it is.
        let writeKey = try #require(source.json["writeKey"]?.stringValue)
        let storage = try SQLiteStorage(path: directory.database)
        let workspaceId = try #require(try await storage.source(writeKey: writeKey)?.workspaceId)
        var stored = try #require(try await storage.destination(id: destinationId, workspaceId: workspaceId))
        stored.url = socketURL
        #expect(try await storage.updateDestination(stored))
        storage.close()
        let sent = try await server.call(.POST, "/v1/destinations/\(destinationId)/test")
        server.kill()

        #expect(refusedDestination.status == 422 && refusedDestination.json["error"]?["field"] == "url", "\(refusedDestination)")
        for (url, status, json) in refusedMappings {
            #expect(status == 422, "\(url): \(json)")
            #expect(json["error"]?["code"] == "validation_failed" && json["error"]?["field"] == "mapping.url", "\(url): \(json)")
        }
        #expect(sent.status == 200)
        #expect(sent.json["error"] == "refused_address", "\(sent.json)")
        #expect(sent.json["response"] == .null)
        #expect(daemon.accepted == 0)
    }

    @Test(.enabled(if: MountNamespace.isAvailable, "needs `unshare --mount` and bind mounts (root, util-linux) to give the binary a hosts file of its own"),
        .timeLimit(.minutes(2)))
    func aNameThatRebindsToAnInternalAddressKeepsGoingToTheCheckedOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (publicServer, internalServer) = try EgressSecurityTests.publicAndInternal()
        defer {
            publicServer.stop()
            internalServer.stop()
        }
        let hosts = directory.url.appendingPathComponent("hosts")
        try MountNamespace.write("127.0.0.2 rebind.test\n", to: hosts)
        // 127.0.0.2 stands in for a public address: allowed by the production setting for trusted networks; 127.0.0.1 stays refused.
        let server = try await ServerProcess(
            database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey],
            arguments: ["--port", "0", "--allow-destination-networks", "127.0.0.2/32"], launcher: MountNamespace.launcher(hostsFile: hosts.path))
        defer { server.kill() }
        let url = "http://rebind.test:\(publicServer.port)/hook"
        let created = try await server.call(.POST, "/v1/destinations", json: ["name": "rebinding", "url": .string(url)])
        let id = try #require(created.json["id"]?.stringValue, "\(created)")
        let first = try await server.call(.POST, "/v1/destinations/\(id)/test")
        // The name now answers the internal service's address; the receiver closed its connection, so a new one is made.
        try MountNamespace.write("127.0.0.1 rebind.test\n127.0.0.1 internal.test\n", to: hosts)
        let second = try await server.call(.POST, "/v1/destinations/\(id)/test")
        let internalName = try await server.call(.POST, "/v1/destinations", json: ["name": "internal", "url": .string("http://internal.test:\(publicServer.port)/")])
        server.kill()

        #expect(first.json["response"]?["body"] == "public receiver", "\(first.json)")
        #expect(second.json["response"]?["body"] == "public receiver", "\(second.json)")
        #expect(publicServer.requests.count == 2)
        #expect(publicServer.requests.allSatisfy { $0.lowercased().contains("\r\nhost: rebind.test:\(publicServer.port)") }, "\(publicServer.requests)")
        #expect(internalServer.accepted == 0)
        // The binary does read the new answer: a name that resolves to 127.0.0.1 is refused.
        #expect(internalName.status == 422, "\(internalName.json)")
    }
}

/// Running the binary in a mount namespace of its own, with `/etc/hosts` bind-mounted from a
/// file the test rewrites: a resolver the test controls, for the real binary.
enum MountNamespace {
    static let unshare = "/usr/bin/unshare"

    /// Whether `unshare --mount` and a bind mount over /etc/hosts work here.
    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: unshare) else { return false }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-hosts-probe-\(UUID().uuidString)")
        guard (try? write("127.0.0.1 probe.test\n", to: file)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: file) }
        guard
            let process = try? SpawnedProcess(
                executable: unshare,
                arguments: ["--mount", "/bin/sh", "-c", #"mount --bind "$1" /etc/hosts && grep -q probe.test /etc/hosts"#, "sh", file.path],
                environment: ProcessInfo.processInfo.environment, output: .discard)
        else { return false }
        return process.waitForExit() == .exit(0)
    }()

    /// Rewrites the file in place: a bind mount follows the file, not a new one renamed over it.
    static func write(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// A `ServerProcess` launcher: the server in its own mount namespace, with `hostsFile` as its /etc/hosts.
    static func launcher(hostsFile: String) -> [String] {
        // unshare and sh exec in turn: the process id is the server's own.
        [unshare, "--mount", "/bin/sh", "-c", #"mount --bind "$1" /etc/hosts && shift && exec "$@""#, "sh", hostsFile]
    }
}
