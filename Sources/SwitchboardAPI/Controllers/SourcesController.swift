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
            let source = try SourceFields.newSource(
                fields, id: dependencies.identifiers.make(.source), workspaceId: principal.workspaceId, now: dependencies.now())
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
            try SourceFields.apply(fields, to: &source)
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
}
