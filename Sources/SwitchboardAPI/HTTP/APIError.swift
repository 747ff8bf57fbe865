import Foundation
import Hummingbird
import SwitchboardCore

/// Every error the API returns, rendered as `{"error":{"code","message","field"}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func malformedJSON(_ message: String) -> APIError {
        APIError(.badRequest, code: "malformed_json", message)
    }

    public static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", "\(what) not found")
    }

    public static func conflict(_ message: String) -> APIError {
        APIError(.conflict, code: "conflict", message)
    }

    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", "the request body is larger than \(limit) bytes")
    }

    public static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(.unsupportedMediaType, code: "unsupported_media_type", message)
    }

    public static func validation(_ error: ValidationError) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", error.message, field: error.field)
    }

    public static func validation(field: String?, _ message: String) -> APIError {
        validation(ValidationError(field: field, message))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: JSONValue = [
            "error": [
                "code": .string(code),
                "message": .string(message),
                "field": field.map(JSONValue.string) ?? .null,
            ]
        ]
        var response = Response.json(body, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON response of a plain JSON value.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONCoding.data(value)))
        )
    }

    static var noContent: Response { Response(status: .noContent) }
}
