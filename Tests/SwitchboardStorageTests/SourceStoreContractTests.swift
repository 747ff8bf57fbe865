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
            #expect(try await storage.source(id: source.id) == source)
            #expect(try await storage.source(id: "src_missing") == nil)
            #expect(try await storage.listSources(workspaceId: theirs.id, page: PageRequest()).items.isEmpty)

            source.name = "renamed"
            source.verification = nil
            source.eventNamePrefix = nil
            source.settings = InboundSettings(transform: ["event": "{{ body.type }}"], itemsPath: "items", eventName: "E", userIdField: "user.id")
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

/// `InboundReplayStore`: a verified request's id is claimed once until it expires, on every node.
@Suite struct InboundReplayStoreContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func anIdIsClaimedOnceUntilItExpiresAcrossNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let expiry = now.addingTimeInterval(301)
            let claims = [
                try await first.claimInboundReplay(sourceId: "src_1", id: "webhook-id:msg_1", expiresAt: expiry, now: now),
                try await second.claimInboundReplay(sourceId: "src_1", id: "webhook-id:msg_1", expiresAt: expiry, now: now.addingTimeInterval(10)),
                // Ids are per source.
                try await second.claimInboundReplay(sourceId: "src_2", id: "webhook-id:msg_1", expiresAt: expiry, now: now),
                // Once expired the row goes, and the id may be claimed again (until the new expiry).
                try await second.claimInboundReplay(sourceId: "src_1", id: "webhook-id:msg_1", expiresAt: expiry.addingTimeInterval(400), now: expiry),
                try await first.claimInboundReplay(sourceId: "src_1", id: "webhook-id:msg_1", expiresAt: expiry, now: expiry.addingTimeInterval(1)),
            ]
            #expect(claims == [true, false, true, true, false])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aReleasedIdMayBeClaimedAgain(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let expiry = now.addingTimeInterval(301)
            #expect(try await storage.claimInboundReplay(sourceId: "src_1", id: "hmac:ab", expiresAt: expiry, now: now))
            try await storage.releaseInboundReplay(sourceId: "src_1", id: "hmac:ab")
            #expect(try await storage.claimInboundReplay(sourceId: "src_1", id: "hmac:ab", expiresAt: expiry, now: now))
        }
    }
}
