import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage
import Synchronization
import Testing

@Suite struct TenancyTests {
    @Test func requestsWithoutAValidKeyAreUnauthorized() async throws {
        try await withSwitchboard { client in
            let missing = try await client.call(.get, "/v1/sources", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.error.code == "unauthorized")
            #expect(try await client.call(.get, "/v1/sources", key: "sbk_wrong").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/sources", headers: [.authorization: "Basic Zm9vOg=="]).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/sources").status == .ok)
        }
    }

    @Test func viewersReadButCannotWrite() async throws {
        try await withSwitchboard { client in
            let viewer = try await client.makeKey(role: .viewer)
            #expect(try await client.call(.get, "/v1/sources", key: viewer).status == .ok)
            let refused = try await client.call(.post, "/v1/sources", key: viewer, json: ["name": "s", "type": "segment"])
            #expect(refused.status == .forbidden)
            #expect(refused.error.code == "forbidden")
            #expect(try await client.call(.get, "/v1/sources", key: adminKey).json["data"] == [])
        }
    }

    @Test func editorsChangeResourcesButNotKeysOrWorkspaces() async throws {
        try await withSwitchboard { client in
            let editor = try await client.makeKey(role: .editor)
            #expect(try await client.call(.post, "/v1/sources", key: editor, json: ["name": "s", "type": "webhook"]).status == .created)
            #expect(try await client.call(.post, "/v1/keys", key: editor, json: ["name": "k", "role": "admin"]).status == .forbidden)
            #expect(try await client.call(.get, "/v1/keys", key: editor).status == .forbidden)
            #expect(try await client.call(.post, "/v1/workspaces", key: editor, json: ["name": "w"]).status == .forbidden)
        }
    }

    @Test func aKeyNeverSeesAnotherWorkspace() async throws {
        try await withSwitchboard { client in
            let mySource = try await client.create("/v1/sources", ["name": "mine", "type": "segment"])
            let mySourceId = try #require(mySource["id"]?.stringValue)
            let other = try await client.create("/v1/workspaces", ["name": "Acme"])
            let otherId = try #require(other["id"]?.stringValue)
            #expect(otherId.hasPrefix("ws_"))
            let otherAdmin = try await client.makeKey(role: .admin, workspaceId: otherId)

            #expect(try await client.call(.get, "/v1/sources/\(mySourceId)", key: otherAdmin).status == .notFound)
            #expect(try await client.call(.patch, "/v1/sources/\(mySourceId)", key: otherAdmin, json: ["name": "x"]).status == .notFound)
            #expect(try await client.call(.delete, "/v1/sources/\(mySourceId)", key: otherAdmin).status == .notFound)
            #expect(try await client.call(.get, "/v1/sources", key: otherAdmin).json["data"] == [])
            #expect(try await client.call(.get, "/v1/workspaces", key: otherAdmin).json["data"]?.arrayValue?.count == 1)

            // The other workspace's admin cannot reach back into ours, by keys or workspaces.
            let keys = try await client.call(.get, "/v1/keys", key: adminKey).json["data"]?.arrayValue ?? []
            let myWorkspace = try #require(keys.first?["workspaceId"]?.stringValue)
            #expect(try await client.call(.get, "/v1/keys?workspaceId=\(myWorkspace)", key: otherAdmin).status == .notFound)
            let myKeyId = try #require(keys.first?["id"]?.stringValue)
            #expect(try await client.call(.delete, "/v1/keys/\(myKeyId)", key: otherAdmin).status == .notFound)
            let foreign = try await client.call(.post, "/v1/keys", key: otherAdmin, json: ["name": "k", "role": "admin", "workspaceId": .string(myWorkspace)])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.error.field == "workspaceId")

            // Its own resources stay its own.
            let theirs = try await client.create("/v1/sources", key: otherAdmin, ["name": "theirs", "type": "segment"])
            #expect(try await client.call(.get, "/v1/sources/\(theirs["id"]?.stringValue ?? "")", key: adminKey).status == .notFound)
            #expect(try await client.call(.get, "/v1/workspaces", key: adminKey).json["data"]?.arrayValue?.count == 2)
        }
    }

    @Test func keysAreShownOnceAndStoredOnlyAsAHash() async throws {
        try await withSwitchboard { client in
            let created = try await client.create("/v1/keys", ["name": "ci", "role": "viewer"])
            let secret = try #require(created["key"]?.stringValue)
            #expect(secret.hasPrefix("sbk_"))
            #expect(created["role"] == "viewer")
            let listed = try await client.call(.get, "/v1/keys").json["data"]?.arrayValue ?? []
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0["key"] == nil })
            #expect(!JSONCoding.string(.array(listed)).contains(secret))
        }
    }

    @Test func revokedKeysStopWorking() async throws {
        try await withSwitchboard { client in
            let created = try await client.create("/v1/keys", ["name": "temp", "role": "editor"])
            let secret = try #require(created["key"]?.stringValue)
            #expect(try await client.call(.get, "/v1/sources", key: secret).status == .ok)
            #expect(try await client.call(.delete, "/v1/keys/\(created["id"]?.stringValue ?? "")").status == .noContent)
            #expect(try await client.call(.get, "/v1/sources", key: secret).status == .unauthorized)
            #expect(try await client.call(.delete, "/v1/keys/\(created["id"]?.stringValue ?? "")").status == .notFound)
        }
    }

    @Test func keyRequestsAreValidated() async throws {
        try await withSwitchboard { client in
            let badRole = try await client.call(.post, "/v1/keys", json: ["name": "k", "role": "root"])
            #expect(badRole.status == .unprocessableContent)
            #expect(badRole.error.field == "role")
            let noName = try await client.call(.post, "/v1/keys", json: ["role": "admin"])
            #expect(noName.error.field == "name")
            #expect(try await client.call(.get, "/v1/keys").json["data"]?.arrayValue?.count == 1)
        }
    }

    @Test func firstStartPrintsOneAdminKeyOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let announced = Mutex<[String]>([])
        let settings = ServerSettings(database: directory.database)
        let first = try await buildApplication(settings: settings, announce: { line in announced.withLock { $0.append(line) } })
        let lines = announced.withLock { $0 }
        let key = try #require(lines.first.flatMap { $0.split(separator: " ").last.map(String.init) })
        #expect(key.hasPrefix("sbk_"))
        let status = try await first.test(.router) { client in try await client.call(.get, "/v1/keys", key: key).status }
        #expect(status == .ok)
        _ = try await buildApplication(settings: settings, announce: { line in announced.withLock { $0.append(line) } })
        #expect(announced.withLock { $0.count } == 1)
    }
}
