import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

/// Each route declares its access once: the OpenAPI document shows it, and the same declaration
/// is what the middleware enforces, for every route the document lists.
@Suite struct AccessDeclarationTests {
    @Test func everyRouteIsGuardedAsItsDocumentSays() async throws {
        try await withSwitchboard { client in
            let viewer = try await client.makeKey(role: .viewer)
            let editor = try await client.makeKey(role: .editor)
            let paths = try #require(try await client.call(.get, "/openapi.json", key: nil).json["paths"]?.objectValue)
            var checked = 0
            for (path, item) in paths {
                // Path parameters get an id nobody has: access is checked before the lookup.
                let uri = path.split(separator: "/").map { $0.hasPrefix("{") ? "nope" : String($0) }.joined(separator: "/")
                for (method, operation) in item.objectValue ?? [:] {
                    let httpMethod = try #require(HTTPRequest.Method(rawValue: method.uppercased()))
                    let role = operation["x-required-role"]?.stringValue
                    let keyed = operation["security"]?.arrayValue?.first?["apiKey"] != nil
                    #expect(keyed == (role != nil), "\(method) \(path)")
                    guard let role else { continue }
                    let anonymous = try await client.call(httpMethod, "/" + uri, key: nil, json: [:])
                    #expect(anonymous.status == .unauthorized, "\(method) \(path) without a key: \(anonymous.status)")
                    let asViewer = try await client.call(httpMethod, "/" + uri, key: viewer, json: [:])
                    #expect((asViewer.status == .forbidden) == (role != "viewer"), "\(method) \(path) as viewer: \(asViewer.status)")
                    let asEditor = try await client.call(httpMethod, "/" + uri, key: editor, json: [:])
                    #expect((asEditor.status == .forbidden) == (role == "admin"), "\(method) \(path) as editor: \(asEditor.status)")
                    checked += 1
                }
            }
            #expect(checked > 30)
        }
    }
}
