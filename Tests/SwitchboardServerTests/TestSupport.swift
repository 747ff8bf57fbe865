import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage
import Synchronization
import Testing

/// The admin key every in-process test server is started with.
let adminKey = "sbk_test_admin_0000000000000000000000000000000000"

/// What a test sees of a response: status, headers and the body as JSON (null when empty).
struct APIResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var json: JSONValue

    var error: (code: String?, field: String?) {
        (json["error"]?["code"]?.stringValue, json["error"]?["field"]?.stringValue)
    }
}

/// A throwaway folder for a database, removed when the test ends.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var database: String { url.appendingPathComponent("switchboard.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `test` against the production application on a fresh database, in process.
func withSwitchboard(
    _ configure: (inout ServerSettings) -> Void = { _ in },
    now: @escaping @Sendable () -> Date = Date.init,
    logger: Logger = Logger(label: "test"),
    _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // Tests never resolve names: private destinations are allowed unless a test says otherwise.
    var settings = ServerSettings(database: TestDatabase.serverDatabase ?? directory.database, adminKey: adminKey, allowPrivateDestinations: true)
    configure(&settings)
    // The one handle on the file, as a server's: it keeps sources and routes in memory as a server does.
    let storage = try openStorage(settings.database, logger: logger, cachesConfiguration: true)
    defer { storage.close() }
    let app = try await buildApplication(settings: settings, storage: storage, logger: logger, now: now)
    try await app.test(.router, test)
}

enum TestDatabase {
    /// The PostgreSQL server `.ci/run` starts, when there is one.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// With SWITCHBOARD_TEST_SERVER_BACKEND=postgres (and SWITCHBOARD_TEST_POSTGRES_URL), in-process
    /// servers run on PostgreSQL, each in a schema of its own; by default on a SQLite file.
    static var serverDatabase: String? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["SWITCHBOARD_TEST_SERVER_BACKEND"] == "postgres", let url = environment["SWITCHBOARD_TEST_POSTGRES_URL"] else { return nil }
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }
}

extension TestClientProtocol {
    /// Sends a request; `json` is sent as an application/json body, `key` as a Bearer key.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String? = adminKey, json: JSONValue? = nil,
        body: ByteBuffer? = nil, headers: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = headers
        if let key, headers[.authorization] == nil { headers[.authorization] = "Bearer \(key)" }
        var payload = body
        if let json {
            payload = ByteBuffer(bytes: JSONCoding.data(json))
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        }
        let response = try await executeRequest(uri: uri, method: method, headers: headers, body: payload)
        let bytes = Array(response.body.readableBytesView)
        let json = bytes.isEmpty ? JSONValue.null : try JSONCoding.parse(bytes, maximumDepth: .max)
        return APIResponse(status: response.status, headers: response.headers, json: json)
    }

    /// Creates a resource and returns its JSON, failing the test unless it answered 201.
    func create(_ uri: String, key: String = adminKey, _ json: JSONValue) async throws -> JSONValue {
        let response = try await call(.post, uri, key: key, json: json)
        #expect(response.status == .created, "POST \(uri): \(response.json)")
        return response.json
    }

    /// A new API key of the given role in the caller's workspace (or the given one).
    func makeKey(role: Role, workspaceId: String? = nil, key: String = adminKey) async throws -> String {
        var body: JSONValue = ["name": .string("test \(role.rawValue)"), "role": .string(role.rawValue)]
        if let workspaceId, case .object(var fields) = body {
            fields["workspaceId"] = .string(workspaceId)
            body = .object(fields)
        }
        return try #require(try await create("/v1/keys", key: key, body)["key"]?.stringValue)
    }

    /// A new segment source's write key.
    func makeWriteKey(key: String = adminKey, prefix: String? = nil) async throws -> String {
        let source = try await create("/v1/sources", key: key, ["name": "web", "type": "segment", "eventNamePrefix": prefix.map(JSONValue.string) ?? .null])
        return try #require(source["writeKey"]?.stringValue)
    }

    /// Every event of the caller's workspace, newest first.
    func events(_ query: String = "", key: String = adminKey) async throws -> [JSONValue] {
        try await call(.get, "/v1/events?limit=250" + query, key: key).json["data"]?.arrayValue ?? []
    }
}

/// `Authorization: Basic base64(writeKey:)`, as Segment's SDKs send.
func basicAuth(_ writeKey: String) -> HTTPFields {
    [.authorization: "Basic " + Data("\(writeKey):".utf8).base64EncodedString()]
}
