import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardServer
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// What the operator commands share: the server's settings, read with the same precedence
/// (flags, then SWITCHBOARD_* variables, then the config file), and the database it uses.
struct OperatorContext {
    let settings: SettingsReader
    let storage: any Storage

    /// Opens the server's database, migrated (as `serve` would on start).
    static func open(_ common: CommonOptions) async throws -> OperatorContext {
        let settings = try await SettingsReader(common: common)
        let storage = try openStorage(settings.database, logger: Logger(label: "switchboard"))
        do {
            try await storage.migrate()
        } catch {
            storage.close()
            throw error
        }
        return OperatorContext(settings: settings, storage: storage)
    }

    func close() { storage.close() }

    /// Every workspace: the root, then, level by level, those each one created.
    func workspaces() async throws -> [Workspace] {
        guard let root = try await storage.rootWorkspace() else { return [] }
        var found = [root]
        var index = 0
        while index < found.count {
            let parent = found[index]
            var page = PageRequest(limit: PageRequest.maximumLimit)
            repeat {
                let children = try await storage.listWorkspaces(visibleTo: parent.id, page: page)
                found += children.items.filter { $0.parentId == parent.id && $0.id != parent.id }
                page.cursor = children.nextCursor
            } while page.cursor != nil
            index += 1
        }
        return found
    }

    /// The destinations of every workspace, or only the one with `id`.
    func destinations(id: String? = nil) async throws -> [Destination] {
        var destinations: [Destination] = []
        for workspace in try await workspaces() {
            if let id {
                if let destination = try await storage.destination(id: id, workspaceId: workspace.id) { return [destination] }
                continue
            }
            var page = PageRequest(limit: PageRequest.maximumLimit)
            repeat {
                let listed = try await storage.listDestinations(workspaceId: workspace.id, search: nil, page: page)
                destinations += listed.items
                page.cursor = listed.nextCursor
            } while page.cursor != nil
        }
        return destinations
    }

    /// The service the API's test send and recovery go through, with the server's address rules.
    func destinationService() throws -> DestinationService {
        let server = try settings.serverSettings()
        let addressGuard = AddressGuard(
            allowPrivate: server.allowPrivateDestinations, allowedHosts: server.destinationHosts.map { Set($0.map(DestinationURL.normalizedHost)) },
            allowedNetworks: server.allowedDestinationNetworks)
        let logger = Logger(label: "switchboard")
        return DestinationService(
            destinations: storage, deliveries: storage, sender: WebhookSender(addressGuard: addressGuard),
            work: WorkSignal(coordination: storage, logger: logger), now: Date.init)
    }

    /// Wakes the servers sharing a PostgreSQL database at once; on SQLite the server finds the
    /// work on its next poll (within a second).
    func announceWork() async {
        if storage.sharesDatabase { try? await storage.announceWork() }
    }
}

/// A failure the operator must read, without a stack of types around it.
struct OperatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
