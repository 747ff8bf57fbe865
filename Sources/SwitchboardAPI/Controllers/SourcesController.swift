import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Sources: where events come from. A `segment` source has a write key for Segment's SDKs;
/// the others receive at their ingest URL.
struct SourcesController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/sources", summary: "List sources", tag: "Sources", access: .viewer, query: ["limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let page = try await dependencies.sources.listSources(
                workspaceId: principal.workspaceId, page: QueryReader(request).page(of: .source))
            return .json(page.document(document))
        }
        routes.add(
            .init(
                method: .post, path: "/v1/sources", summary: "Create a source", tag: "Sources", access: .editor,
                requestBody: Self.schema(required: ["name", "type"]), success: .created)
        ) { request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let name = try fields.requiredString("name")
            guard let type = try fields.enumeration("type", as: SourceType.self) else {
                throw APIError.validation(field: "type", "type is required: one of \"segment\", \"webhook\", \"openloyalty\", \"braze-currents\"")
            }
            let now = dependencies.now()
            let source = Source(
                id: dependencies.identifiers.make(.source), workspaceId: principal.workspaceId, name: name, type: type,
                verification: try Self.verification(fields), eventNamePrefix: try fields.optionalString("eventNamePrefix", maximumLength: 100),
                writeKey: type == .segment ? Secrets.newWriteKey() : nil, createdAt: now, updatedAt: now)
            try await dependencies.sources.createSource(source)
            return .json(document(source), status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/sources/{id}", summary: "Get a source", tag: "Sources", access: .viewer)) { request, context in
            let principal = try context.principal()
            return .json(document(try await source(context, principal)))
        }
        routes.add(
            .init(method: .patch, path: "/v1/sources/{id}", summary: "Change a source", tag: "Sources", access: .editor, requestBody: Self.schema(required: []))
        ) { request, context in
            let principal = try context.principal()
            var source = try await source(context, principal)
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            if let type = try fields.enumeration("type", as: SourceType.self), type != source.type {
                throw APIError.validation(field: "type", "the type of a source cannot be changed")
            }
            if fields.contains("name") { source.name = try fields.requiredString("name") }
            if fields.contains("verification") {
                source.verification = Source.verification(try Self.verification(fields), keepingSecretsOf: source.verification)
            }
            if fields.contains("eventNamePrefix") { source.eventNamePrefix = try fields.optionalString("eventNamePrefix", maximumLength: 100) }
            source.updatedAt = dependencies.now()
            guard try await dependencies.sources.updateSource(source) else { throw APIError.notFound("source") }
            return .json(document(source))
        }
        routes.add(.init(method: .delete, path: "/v1/sources/{id}", summary: "Delete a source (its events are kept)", tag: "Sources", access: .editor, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            guard try await dependencies.sources.deleteSource(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("source")
            }
            return .noContent
        }
    }

    private func source(_ context: SwitchboardRequestContext, _ principal: Principal) async throws -> Source {
        guard let source = try await dependencies.sources.source(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
            throw APIError.notFound("source")
        }
        return source
    }

    /// `verification`: null or `{"type": token|basic|hmac-sha256|standard-webhooks, ...settings}`.
    private static func verification(_ fields: JSONObjectReader) throws -> JSONValue? {
        guard let settings = try fields.object("verification") else { return nil }
        guard try settings.enumeration("type", as: VerificationType.self) != nil else {
            throw APIError.validation(field: "verification.type", "verification.type is required: one of \"token\", \"basic\", \"hmac-sha256\", \"standard-webhooks\"")
        }
        for (key, value) in settings.fields where value.stringValue == nil && !value.isNull {
            throw APIError.validation(field: "verification.\(key)", "verification.\(key) must be a string")
        }
        return .object(settings.fields)
    }
}
