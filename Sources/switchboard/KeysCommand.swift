import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys directly in the database.",
        subcommands: [Create.self, List.self, Revoke.self])

    /// The migrated storage and the workspace a command acts on (the root one by default).
    static func open(_ common: CommonOptions, workspace: String?) async throws -> (any Storage, Workspace) {
        let settings = try await SettingsReader(common: common)
        let storage = try openStorage(settings.database, logger: Logger(label: "switchboard"))
        try await storage.migrate()
        if let workspace {
            guard let found = try await storage.workspace(id: workspace) else {
                throw ValidationError("no workspace \(workspace)")
            }
            return (storage, found)
        }
        if let root = try await storage.rootWorkspace() { return (storage, root) }
        let root = Workspace(id: IdentifierGenerator().make(.workspace), name: "Default", parentId: nil, createdAt: Date())
        try await storage.createWorkspace(root)
        return (storage, root)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it (shown only once).")

        @OptionGroup var common: CommonOptions
        @Option(help: "A name that says what the key is for.") var name: String
        @Option(help: "admin, editor or viewer.") var role: Role = .admin
        @Option(help: "Workspace id (default: the first workspace).") var workspace: String?

        func run() async throws {
            let (storage, workspace) = try await KeysCommand.open(common, workspace: workspace)
            let secret = Secrets.newAPIKey()
            let key = APIKey(
                id: IdentifierGenerator().make(.apiKey), name: name, role: role, workspaceId: workspace.id,
                keyHash: Secrets.hash(apiKey: secret), createdAt: Date())
            try await storage.createAPIKey(key)
            Console.announce("\(key.id)\t\(role.rawValue)\t\(workspace.id)\n\(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys of a workspace (never the keys themselves).")

        @OptionGroup var common: CommonOptions
        @Option(help: "Workspace id (default: the first workspace).") var workspace: String?

        func run() async throws {
            let (storage, workspace) = try await KeysCommand.open(common, workspace: workspace)
            var page = PageRequest(limit: PageRequest.maximumLimit)
            repeat {
                let keys = try await storage.listAPIKeys(workspaceId: workspace.id, page: page)
                for key in keys.items {
                    Console.announce("\(key.id)\t\(key.role.rawValue)\t\(Timestamp.format(key.createdAt))\t\(key.name)")
                }
                page.cursor = keys.nextCursor
            } while page.cursor != nil
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The key's id (key_...).") var id: String

        func run() async throws {
            let (storage, _) = try await KeysCommand.open(common, workspace: nil)
            guard try await storage.deleteAPIKey(id: id) else { throw ValidationError("no key \(id)") }
            Console.announce("Revoked \(id).")
        }
    }
}

extension Role: ExpressibleByArgument {}
