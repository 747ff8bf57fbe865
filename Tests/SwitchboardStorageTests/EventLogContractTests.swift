import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// What every storage implementation must do; runs once per backend.
@Suite struct StorageContractTests {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func withStorage(_ backend: StorageBackend, _ body: (any Storage) async throws -> Void) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        try await body(storage)
    }

    private func workspace(_ storage: any Storage, parent: String? = nil) async throws -> Workspace {
        let workspace = Workspace(id: ids.make(.workspace), name: "w", parentId: parent, createdAt: now)
        try await storage.createWorkspace(workspace)
        return workspace
    }

    private func source(_ storage: any Storage, in workspace: Workspace, writeKey: String? = nil) async throws -> Source {
        let source = Source(
            id: ids.make(.source), workspaceId: workspace.id, name: "web", type: .segment, verification: ["type": "token"],
            eventNamePrefix: "x-", writeKey: writeKey ?? Secrets.newWriteKey(), createdAt: now, updatedAt: now)
        try await storage.createSource(source)
        return source
    }

    private func event(_ source: Source, messageId: String, name: String = "Signed Up", userId: String? = "u1", at offset: TimeInterval = 0) -> Event {
        Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: name == "identify" ? .identify : .track,
            name: name, messageId: messageId, userId: userId, anonymousId: nil, receivedAt: now.addingTimeInterval(offset),
            message: ["event": .string(name), "messageId": .string(messageId), "properties": ["total": 9.5, "tags": ["a"]]])
    }

    @Test(arguments: StorageBackend.allCases)
    func migrationIsRepeatable(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            try await storage.migrate()
            try await storage.ping()
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func workspacesAndTheirChildren(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
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
    func apiKeysAreFoundByHashListedAndDeleted(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
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
    func duplicateKeyHashesAreAConflict(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let root = try await workspace(storage)
            let key = APIKey(id: ids.make(.apiKey), name: "a", role: .admin, workspaceId: root.id, keyHash: "h", createdAt: now)
            try await storage.createAPIKey(key)
            var copy = key
            copy.id = ids.make(.apiKey)
            await #expect(throws: StorageError.self) { try await storage.createAPIKey(copy) }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func sourcesAreScopedToTheirWorkspace(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let mine = try await workspace(storage)
            let theirs = try await workspace(storage)
            var source = try await source(storage, in: mine, writeKey: "wk-1")
            #expect(try await storage.source(id: source.id, workspaceId: mine.id) == source)
            #expect(try await storage.source(id: source.id, workspaceId: theirs.id) == nil)
            #expect(try await storage.source(writeKey: "wk-1") == source)
            #expect(try await storage.listSources(workspaceId: theirs.id, page: PageRequest()).items.isEmpty)

            source.name = "renamed"
            source.verification = nil
            source.eventNamePrefix = nil
            #expect(try await storage.updateSource(source))
            #expect(try await storage.source(id: source.id, workspaceId: mine.id) == source)
            var foreign = source
            foreign.workspaceId = theirs.id
            #expect(try await !storage.updateSource(foreign))
            #expect(try await !storage.deleteSource(id: source.id, workspaceId: theirs.id))
            #expect(try await storage.deleteSource(id: source.id, workspaceId: mine.id))
            #expect(try await storage.source(writeKey: "wk-1") == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aRepeatedMessageIdIsStoredOncePerSource(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let root = try await workspace(storage)
            let web = try await source(storage, in: root)
            let app = try await source(storage, in: root)
            #expect(try await storage.insertEvents([event(web, messageId: "m1"), event(web, messageId: "m1")]) == 1)
            #expect(try await storage.insertEvents([event(web, messageId: "m1"), event(web, messageId: "m2")]) == 1)
            #expect(try await storage.insertEvents([event(app, messageId: "m1")]) == 1)
            let all = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: PageRequest())
            #expect(all.items.count == 3)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func eventsRoundTripAndFilter(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let root = try await workspace(storage)
            let other = try await workspace(storage)
            let web = try await source(storage, in: root)
            let events = [
                event(web, messageId: "a", name: "Signed Up", userId: "u1", at: 0),
                event(web, messageId: "b", name: "identify", userId: "u2", at: 10),
                event(web, messageId: "c", name: "Signed Up", userId: "u2", at: 20),
            ]
            try await storage.insertEvents(events)
            #expect(try await storage.event(id: events[0].id, workspaceId: root.id) == events[0])
            #expect(try await storage.event(id: events[0].id, workspaceId: other.id) == nil)

            func list(_ filter: EventFilter, _ page: PageRequest = PageRequest()) async throws -> [String] {
                try await storage.listEvents(workspaceId: root.id, filter: filter, page: page).items.map(\.messageId)
            }
            #expect(try await list(EventFilter()) == ["c", "b", "a"])
            #expect(try await list(EventFilter(name: "Signed Up")) == ["c", "a"])
            #expect(try await list(EventFilter(userId: "u2")) == ["c", "b"])
            #expect(try await list(EventFilter(type: .identify)) == ["b"])
            #expect(try await list(EventFilter(sourceId: "src_other")) == [])
            #expect(try await list(EventFilter(since: now.addingTimeInterval(10))) == ["c", "b"])
            let first = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: PageRequest(limit: 2))
            #expect(first.items.map(\.messageId) == ["c", "b"])
            #expect(try await list(EventFilter(), PageRequest(limit: 2, cursor: first.nextCursor)) == ["a"])
            #expect(try await storage.listEvents(workspaceId: other.id, filter: EventFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func groupCommitStoresEveryConcurrentCaller(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let root = try await workspace(storage)
            let web = try await source(storage, in: root)
            let committer = EventGroupCommitter(maximumItemsPerCommit: 50) { events in try await storage.insertEvents(events) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<40 {
                    let batch = (0..<10).map { event(web, messageId: "c\(caller)-\($0)") }
                    group.addTask { try await committer.commit(batch) }
                }
                try await group.waitForAll()
            }
            var count = 0
            var page = PageRequest(limit: 250)
            repeat {
                let result = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: page)
                count += result.items.count
                page.cursor = result.nextCursor
            } while page.cursor != nil
            #expect(count == 400)
        }
    }
}
