import Foundation
import Hummingbird
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// `POST /ingest/{sourceId}`: what `webhook`, `openloyalty` and `braze-currents` sources receive.
/// The source id and its verification are the credential; the answer is 200 only once the
/// events are durable, and a refused request stores nothing.
struct InboundIngestController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(
            .init(
                method: .post, path: "/ingest/{sourceId}", summary: "Events from a webhook, openloyalty or braze-currents source",
                tag: "Ingest", access: .sourceVerification, requestBody: ["description": "any JSON the source type takes"])
        ) { request, context in
            try await ingest(request, context)
        }
    }

    private func ingest(_ request: Request, _ context: SwitchboardRequestContext) async throws -> Response {
        // Segment sources keep Segment's routes: here they are as unknown as a wrong id.
        guard let source = try await dependencies.sources.source(id: context.parameters.get("sourceId") ?? ""), source.type != .segment else {
            throw APIError.notFound("source")
        }
        do {
            let accepted = try await ingest(request, context, source: source)
            dependencies.metrics.eventsIngested(sourceType: source.type.rawValue, outcome: "accepted", count: accepted)
            return .json(["success": true, "accepted": .int(Int64(accepted))])
        } catch let error as APIError where (400..<500).contains(error.status.code) {
            dependencies.metrics.eventsIngested(sourceType: source.type.rawValue, outcome: "rejected")
            throw error
        }
    }

    /// Verifies, converts and stores one request's events; returns how many there were.
    private func ingest(_ request: Request, _ context: SwitchboardRequestContext, source: Source) async throws -> Int {
        let bytes = Array(try await dependencies.body.readBytes(request, allowTextPlain: true).readableBytesView)
        let headers = Self.lowerCasedHeaders(request.headers)
        let now = dependencies.now()
        let claim = try verify(source, headers: headers, body: bytes, now: now, logger: context.logger)

        let body: JSONValue
        do {
            body = try JSONCoding.parse(bytes)
        } catch {
            throw APIError.malformedJSON("the request body is not valid JSON; \(Self.expectedShape(source.type))")
        }
        let converter = InboundConverter(
            source: source, headers: headers, receivedAt: now, identifiers: dependencies.identifiers,
            renderBudget: Self.renderBudget(bodyBytes: bytes.count))
        let events: [Event]
        do {
            events = try converter.events(from: body)
        } catch {
            throw Self.apiError(error)
        }

        if let claim {
            guard try await dependencies.inboundReplays.claimInboundReplay(sourceId: source.id, id: claim.id, expiresAt: claim.expiresAt, now: now) else {
                context.logger.notice("inbound request refused", metadata: ["source.id": "\(source.id)", "reason": "replayed"])
                throw APIError.unauthorized("this request was already received (its id or signature was used before)")
            }
        }
        do {
            try await dependencies.ingest.ingest(events)
        } catch {
            // Nothing was stored: the sender's retry of this very request must pass.
            if let claim { try? await dependencies.inboundReplays.releaseInboundReplay(sourceId: source.id, id: claim.id) }
            throw error
        }
        return events.count
    }

    /// The source's verification, when it has one; a refusal is 401 with the reason in the message.
    private func verify(_ source: Source, headers: [String: String], body: [UInt8], now: Date, logger: Logger) throws -> ReplayClaim? {
        guard let settings = source.verification, !settings.isNull else { return nil }
        let result: Result<ReplayClaim?, VerificationFailure>
        if let verification = SourceVerification(stored: settings) {
            result = verification.check(headers: headers, body: body, now: now)
        } else {
            // Settings saved before they were checked, and no longer valid: refuse rather than let anything in.
            result = .failure(VerificationFailure(.misconfigured, "the source's verification settings are not valid; update them with PATCH /v1/sources/\(source.id)"))
        }
        switch result {
        case .success(let claim):
            return claim
        case .failure(let failure):
            logger.notice("inbound request refused", metadata: ["source.id": "\(source.id)", "reason": "\(failure.reason.rawValue)"])
            throw APIError.unauthorized(failure.message)
        }
    }

    private static func apiError(_ error: InboundError) -> APIError {
        switch error.kind {
        case .malformed:
            var apiError = APIError.malformedJSON(error.message)
            apiError.field = error.field
            return apiError
        case .invalidEvent: return APIError.validation(field: error.field, error.message)
        case .tooMany: return APIError(.contentTooLarge, code: "payload_too_large", error.message)
        }
    }

    /// Header names in lower case; repeated headers joined with ", " as HTTP allows.
    static func lowerCasedHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        return headers
    }

    /// Rendered events of one request may take a few times the body, and never less than 64 KiB.
    static func renderBudget(bodyBytes: Int) -> Int {
        max(65_536, bodyBytes.multipliedReportingOverflow(by: 4).overflow ? .max : bodyBytes * 4)
    }

    static func expectedShape(_ type: SourceType) -> String {
        switch type {
        case .webhook: "a webhook source takes any JSON value or an array of them"
        case .openloyalty: "an openloyalty source takes Open Loyalty webhook bodies {\"type\": ..., \"data\": {...}}"
        case .brazeCurrents: "a braze-currents source takes {\"events\": [...]}"
        case .segment: "segment sources use /v1/batch"
        }
    }
}
