import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `TenancyStore`: workspaces and the API keys that act in them, for every backend.
@Suite struct TenancyStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func apiKey(_ storage: any Storage, in workspace: Workspace, secret: String) async throws -> APIKey {
        let key = APIKey(
            id: ids.make(.apiKey), name: secret, role: .editor, workspaceId: workspace.id, keyHash: Secrets.hash(apiKey: secret), createdAt: now)
        try await storage.createAPIKey(key)
        return key
    }

    @Test(arguments: StorageBackend.allCases)
    func workspacesAndTheirChildren(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            #expect(try await storage.rootWorkspace() == nil)
            let root = try await workspace(storage)
            let child = try await workspace(storage, parent: root.id)
            let other = try await workspace(storage)
            #expect(try await storage.rootWorkspace() == root)
            #expect(try await storage.workspace(id: child.id) == child)
            let visible = try await storage.listWorkspaces(visibleTo: root.id, page: PageRequest())
            #expect(visible.items.map(\.id) == [root.id, child.id])
            #expect(try await storage.listWorkspaces(visibleTo: other.id, page: PageRequest()).items == [other])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func visibleWorkspacesComeInPages(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var children: [Workspace] = []
            for _ in 0..<3 { children.append(try await workspace(storage, parent: root.id)) }
            // A grandchild is its parent's to see, not the root's.
            let grandchild = try await workspace(storage, parent: children[0].id)
            let first = try await storage.listWorkspaces(visibleTo: root.id, page: PageRequest(limit: 2))
            #expect(first.items == [root, children[0]])
            let second = try await storage.listWorkspaces(visibleTo: root.id, page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items == [children[1], children[2]])
            #expect(second.nextCursor == nil)
            #expect(try await storage.listWorkspaces(visibleTo: children[0].id, page: PageRequest()).items == [children[0], grandchild])
            #expect(try await storage.workspace(id: "ws_missing") == nil)
            // The root stays the first parentless workspace, however many come after it.
            _ = try await workspace(storage)
            #expect(try await storage.rootWorkspace() == root)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aWorkspaceIdIsTakenOnce(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var copy = root
            copy.name = "copy"
            await expectConflict { try await storage.createWorkspace(copy) }
            #expect(try await storage.workspace(id: root.id)?.name == "w")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func apiKeysAreFoundByHashListedAndDeleted(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var keys: [APIKey] = []
            for index in 0..<3 {
                let key = APIKey(
                    id: ids.make(.apiKey), name: "k\(index)", role: .editor, workspaceId: root.id,
                    keyHash: Secrets.hash(apiKey: "secret\(index)"), createdAt: now)
                try await storage.createAPIKey(key)
                keys.append(key)
            }
            #expect(try await storage.countAPIKeys() == 3)
            #expect(try await storage.apiKey(hash: Secrets.hash(apiKey: "secret1")) == keys[1])
            #expect(try await storage.apiKey(hash: Secrets.hash(apiKey: "nope")) == nil)
            let first = try await storage.listAPIKeys(workspaceId: root.id, page: PageRequest(limit: 2))
            #expect(first.items == Array(keys.prefix(2)))
            let second = try await storage.listAPIKeys(workspaceId: root.id, page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items == [keys[2]])
            #expect(second.nextCursor == nil)
            #expect(try await storage.deleteAPIKey(id: keys[0].id))
            #expect(try await !storage.deleteAPIKey(id: keys[0].id))
            #expect(try await storage.apiKey(id: keys[0].id) == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func apiKeysBelongToTheirWorkspaceAndAreCountedEverywhere(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let mine = try await workspace(storage)
            let theirs = try await workspace(storage)
            let key = try await apiKey(storage, in: mine, secret: "mine")
            let foreign = try await apiKey(storage, in: theirs, secret: "theirs")
            #expect(try await storage.apiKey(id: key.id) == key)
            #expect(try await storage.apiKey(hash: Secrets.hash(apiKey: "theirs")) == foreign)
            #expect(try await storage.listAPIKeys(workspaceId: mine.id, page: PageRequest()).items == [key])
            #expect(try await storage.listAPIKeys(workspaceId: theirs.id, page: PageRequest()).items == [foreign])
            // The count is of every workspace's keys: it says whether any key exists at all.
            #expect(try await storage.countAPIKeys() == 2)
            #expect(try await storage.deleteAPIKey(id: foreign.id))
            #expect(try await storage.countAPIKeys() == 1)
            #expect(try await storage.apiKey(hash: Secrets.hash(apiKey: "theirs")) == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func duplicateKeyHashesAreAConflict(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let key = APIKey(id: ids.make(.apiKey), name: "a", role: .admin, workspaceId: root.id, keyHash: "h", createdAt: now)
            try await storage.createAPIKey(key)
            var copy = key
            copy.id = ids.make(.apiKey)
            await expectConflict { try await storage.createAPIKey(copy) }
            #expect(try await storage.countAPIKeys() == 1)
        }
    }
}
