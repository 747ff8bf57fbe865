import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import Testing

/// The `switchboard` binary: settings precedence and the key commands.
@Suite struct CommandLineTests {
    @Test(.timeLimit(.minutes(2)))
    func settingsComeFromFlagsThenEnvironmentThenConfigFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("switchboard.json")
        // The file sets a port the flag overrides, a body limit the environment overrides, and the admin key.
        try Data(#"{"port": 1, "maxBodyBytes": 100, "adminKey": "sbk_from_config_file_0000000000000000000000"}"#.utf8).write(to: config)
        let server = try await ServerProcess(
            database: directory.database, environment: ["SWITCHBOARD_MAX_BODY_BYTES": "3000"],
            arguments: ["--port", "0", "--config", config.path])
        defer { server.kill() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        func post(bytes: Int) async throws -> HTTPResponseStatus {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/sources")
            request.method = .POST
            request.headers = ["Authorization": "Bearer sbk_from_config_file_0000000000000000000000", "Content-Type": "application/json"]
            request.body = .bytes(ByteBuffer(string: #"{"name":"s","type":"webhook","pad":""# + String(repeating: "x", count: bytes) + "\"}"))
            return try await http.execute(request, timeout: .seconds(10)).status
        }
        let small = try await post(bytes: 1000)
        let large = try await post(bytes: 4000)
        try await http.shutdown()
        #expect(small == .created)
        #expect(large == .payloadTooLarge)
    }

    /// `--metrics-token` and `SWITCHBOARD_METRICS_TOKEN` close `/metrics` to anyone without the token.
    @Test(arguments: [(["--metrics-token", "scrape-t0ken"], [:]), ([], ["SWITCHBOARD_METRICS_TOKEN": "scrape-t0ken"])])
    func theMetricsTokenGuardsMetrics(arguments: [String], environment: [String: String]) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess(database: directory.database, environment: environment, arguments: ["--port", "0"] + arguments)
        defer { server.kill() }
        func scrape(_ authorization: String?) async throws -> (HTTPResponseStatus, String) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/metrics")
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            return (response.status, String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        #expect(try await scrape(nil).0 == .unauthorized)
        #expect(try await scrape("Bearer wrong-token").0 == .unauthorized)
        let (status, text) = try await scrape("Bearer scrape-t0ken")
        #expect(status == .ok)
        #expect(text.contains("# TYPE switchboard_destinations_disabled gauge"))
        #expect(!text.contains("scrape-t0ken"))
    }

    @Test func keysCanBeCreatedListedAndRevokedFromTheCommandLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let created = try await ServerProcess.run(["keys", "create", "--name", "deploy bot", "--role", "editor", "--database", directory.database])
        #expect(created.status == 0, "\(created.output)")
        let lines = created.output.split(separator: "\n")
        let id = try #require(lines.first?.split(separator: "\t").first.map(String.init))
        #expect(id.hasPrefix("key_"))
        #expect(lines.last?.hasPrefix("sbk_") == true)

        let listed = try await ServerProcess.run(["keys", "list", "--database", directory.database])
        #expect(listed.output.contains(id) && listed.output.contains("editor") && listed.output.contains("deploy bot"))
        #expect(!listed.output.contains("sbk_"))

        #expect(try await ServerProcess.run(["keys", "revoke", id, "--database", directory.database]).status == 0)
        #expect(!(try await ServerProcess.run(["keys", "list", "--database", directory.database]).output.contains(id)))
        #expect(try await ServerProcess.run(["keys", "revoke", id, "--database", directory.database]).status != 0)
        #expect(try await ServerProcess.run(["keys", "create", "--name", "x", "--role", "root", "--database", directory.database]).status != 0)
    }

    @Test func everyCommandHasHelp() async throws {
        let commands = [
            [], ["serve"], ["migrate"], ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "revoke"], ["doctor"], ["backup"], ["purge"],
            ["replay"], ["send-test"], ["export"], ["export", "events"],
        ]
        for command in commands {
            let help = try await ServerProcess.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("USAGE"), "\(command)")
        }
    }
}
