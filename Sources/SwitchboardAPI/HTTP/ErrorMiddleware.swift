import Foundation
import Hummingbird
import Logging
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Turns whatever a route throws into the API's error shape; unexpected errors become a plain
/// 500 whose log line names only the error's type, never its payload.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.apiError(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return .validation(error)
        case let error as JSONCoding.ParseError:
            switch error {
            case .empty: return .malformedJSON("the request body is empty")
            case .tooDeep(let limit): return .malformedJSON("the JSON is nested deeper than \(limit) levels")
            case .malformed: return .malformedJSON("the request body is not valid JSON")
            }
        case StorageError.conflict:
            return .conflict("the request conflicts with an existing resource")
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("route")
            case .contentTooLarge: return APIError(.contentTooLarge, code: "payload_too_large", "the request body is too large")
            default:
                return APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"), error.body ?? error.status.reasonPhrase)
            }
        default:
            logger.error("unexpected error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            return APIError(.internalServerError, code: "internal_error", "an internal error occurred")
        }
    }
}
