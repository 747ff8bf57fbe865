import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `EventTypeStore`: the catalogue of event names a workspace knows, for every backend.
@Suite struct EventTypeStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func type(_ workspace: Workspace, _ name: String, schema: JSONValue? = nil) -> EventTypeRecord {
        EventTypeRecord(workspaceId: workspace.id, name: name, description: "about \(name)", schema: schema, createdAt: at(60))
    }

    @Test(arguments: StorageBackend.allCases)
    func aNewWorkspaceKnowsThePresetEventTypes(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let types = try await storage.listEventTypes(workspaceId: root.id)
            #expect(types.map(\.name) == OpenLoyaltyNames.presetEventTypes.sorted())
            #expect(types.allSatisfy { $0.workspaceId == root.id && $0.description == nil && $0.schema == nil && $0.createdAt == now })
            #expect(try await storage.listEventTypes(workspaceId: "ws_missing").isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func eventTypesAreCreatedListedByNameAndDeleted(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let schema: JSONValue = ["type": "object", "required": ["total"], "properties": ["total": ["type": "number"]]]
            let created = [type(root, "Order Completed", schema: schema), type(root, "Basket Viewed"), type(root, "zz last")]
            for record in created { try await storage.createEventType(record) }
            let listed = try await storage.listEventTypes(workspaceId: root.id)
            let expected = (OpenLoyaltyNames.presetEventTypes + created.map(\.name)).sorted()
            #expect(listed.map(\.name) == expected)
            // Each comes back as stored: description, schema and time.
            #expect(listed.first { $0.name == "Order Completed" } == created[0])
            #expect(listed.first { $0.name == "Basket Viewed" } == created[1])

            #expect(try await storage.deleteEventType(workspaceId: root.id, name: "Order Completed"))
            #expect(try await !storage.deleteEventType(workspaceId: root.id, name: "Order Completed"))
            #expect(try await !storage.deleteEventType(workspaceId: root.id, name: "Never Created"))
            #expect(try await !storage.listEventTypes(workspaceId: root.id).contains { $0.name == "Order Completed" })
            // A preset is an ordinary entry: it can be deleted too.
            #expect(try await storage.deleteEventType(workspaceId: root.id, name: "identify"))
            #expect(try await storage.listEventTypes(workspaceId: root.id).count == expected.count - 2)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aNameIsTakenOncePerWorkspace(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let mine = try await workspace(storage)
            let theirs = try await workspace(storage)
            try await storage.createEventType(type(mine, "Order Completed"))
            await expectConflict { try await storage.createEventType(type(mine, "Order Completed", schema: ["type": "object"])) }
            await expectConflict { try await storage.createEventType(type(mine, "identify")) }
            #expect(try await storage.listEventTypes(workspaceId: mine.id).first { $0.name == "Order Completed" }?.schema == nil)
            // Another workspace has a catalogue of its own.
            try await storage.createEventType(type(theirs, "Order Completed"))
            #expect(try await storage.deleteEventType(workspaceId: theirs.id, name: "Order Completed"))
            #expect(try await storage.listEventTypes(workspaceId: mine.id).contains { $0.name == "Order Completed" })
            #expect(try await !storage.listEventTypes(workspaceId: theirs.id).contains { $0.name == "Order Completed" })
        }
    }
}
