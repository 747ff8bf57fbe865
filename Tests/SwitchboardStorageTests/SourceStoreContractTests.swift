import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `SourceStore`: where events come from, each with its write key, for every backend.
@Suite struct SourceStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func sourcesAreScopedToTheirWorkspace(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
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
    func sourcesAreListedInPages(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var sources: [Source] = []
            for _ in 0..<3 { sources.append(try await source(storage, in: root)) }
            let first = try await storage.listSources(workspaceId: root.id, page: PageRequest(limit: 2))
            #expect(first.items == Array(sources.prefix(2)))
            #expect(first.nextCursor == sources[1].id)
            let second = try await storage.listSources(workspaceId: root.id, page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items == [sources[2]])
            #expect(second.nextCursor == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aMissingSourceIsNeitherUpdatedNorDeleted(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let source = try await source(storage, in: root)
            var missing = source
            missing.id = ids.make(.source)
            missing.name = "ghost"
            #expect(try await !storage.updateSource(missing))
            #expect(try await storage.source(id: missing.id, workspaceId: root.id) == nil)
            #expect(try await storage.deleteSource(id: source.id, workspaceId: root.id))
            #expect(try await !storage.deleteSource(id: source.id, workspaceId: root.id))
            #expect(try await storage.listSources(workspaceId: root.id, page: PageRequest()).items.isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aWriteKeyBelongsToOneSource(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let mine = try await workspace(storage)
            let theirs = try await workspace(storage)
            let source = try await source(storage, in: mine, writeKey: "wk-shared")
            // Not even another workspace may take it: the write key alone finds the source.
            await expectConflict { _ = try await self.source(storage, in: theirs, writeKey: "wk-shared") }
            #expect(try await storage.source(writeKey: "wk-shared") == source)
            #expect(try await storage.listSources(workspaceId: theirs.id, page: PageRequest()).items.isEmpty)
        }
    }
}
