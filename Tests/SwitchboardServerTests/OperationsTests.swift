import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import Testing

@Suite struct OperationsTests {
    @Test func healthAndReadinessNeedNoKey() async throws {
        // A healthy database is ready: the generous timeout is for a test process whose threads
        // other suites can stall for a second (ReadinessTests checks the 700 ms one).
        try await withSwitchboard({ $0.readinessTimeout = .seconds(10) }) { client in
            let health = try await client.call(.get, "/healthz", key: nil)
            let readiness = try await client.call(.get, "/readyz", key: nil)
            #expect(health.json == ["status": "ok"])
            #expect(readiness.json == ["status": "ok"])
        }
    }

    @Test func openAPIDocumentDescribesEveryRoute() async throws {
        try await withSwitchboard { client in
            let document = try await client.call(.get, "/openapi.json", key: nil).json
            #expect(document["openapi"] == "3.1.0")
            let paths = try #require(document["paths"]?.objectValue)
            let expected: [(String, String)] = [
                ("/v1/track", "post"), ("/v1/identify", "post"), ("/v1/page", "post"), ("/v1/screen", "post"),
                ("/v1/group", "post"), ("/v1/alias", "post"), ("/v1/batch", "post"),
                ("/v1/workspaces", "get"), ("/v1/workspaces", "post"), ("/v1/keys", "get"), ("/v1/keys", "post"), ("/v1/keys/{id}", "delete"),
                ("/v1/sources", "get"), ("/v1/sources", "post"), ("/v1/sources/{id}", "get"), ("/v1/sources/{id}", "patch"),
                ("/v1/sources/{id}", "delete"), ("/v1/events", "get"), ("/v1/events/{id}", "get"),
                ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
            ]
            for (path, method) in expected {
                #expect(paths[path]?[method] != nil, "\(method) \(path) is not documented")
            }
            // Every documented operation is served: none answers "route not found".
            // Prometheus' text is not JSON: `/metrics` has tests of its own (MetricsTests).
            for (path, operations) in paths where path != "/metrics" {
                for method in operations.objectValue?.keys ?? [:].keys {
                    let uri = path.replacingOccurrences(of: "{id}", with: "x")
                    let response = try await client.call(HTTPRequest.Method(method.uppercased())!, uri, json: method == "get" || method == "delete" ? nil : [:])
                    #expect(response.json["error"]?["message"] != "route not found", "\(method) \(path)")
                }
            }
        }
    }
}
