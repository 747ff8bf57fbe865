import Foundation
import Hummingbird
import SwitchboardCore

/// The OpenAPI 3.1 document of the served routes.
enum OpenAPIDocument {
    static func make(routes: [RouteDescription]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var item = paths[route.path]?.objectValue ?? [:]
            item[route.method.rawValue.lowercased()] = operation(route)
            paths[route.path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Switchboard",
                "version": "1.0.0",
                "description": "Self-hosted customer-event switchboard: ingest, route, reshape and deliver signed webhooks.",
            ],
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "apiKey": ["type": "http", "scheme": "bearer"],
                    "writeKey": ["type": "http", "scheme": "basic", "description": "The source's write key as the user name."],
                ],
                "schemas": ["Error": errorSchema],
            ],
        ]
    }

    private static func operation(_ route: RouteDescription) -> JSONValue {
        var parameters: [JSONValue] = pathParameters(route.path).map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
        }
        parameters += route.query.map { name in
            let schema: JSONValue = name == "limit" ? ["type": "integer", "minimum": 1, "maximum": .int(Int64(PageRequest.maximumLimit))] : ["type": "string"]
            return ["name": .string(name), "in": "query", "required": false, "schema": schema]
        }
        var responses: [String: JSONValue] = [
            "default": [
                "description": "Error",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        ]
        let success = String(route.success.code)
        responses[success] =
            route.success == .noContent
            ? ["description": "Done"]
            : ["description": "Success", "content": ["application/json": ["schema": ["type": "object"]]]]
        var operation: [String: JSONValue] = [
            "operationId": .string(operationId(route)),
            "summary": .string(route.summary),
            "tags": [.string(route.tag)],
            "parameters": .array(parameters),
            "responses": .object(responses),
        ]
        switch route.access {
        case .viewer, .editor, .admin:
            operation["security"] = [["apiKey": []]]
            operation["x-required-role"] = .string("\(route.access)")
        case .writeKey: operation["security"] = [["writeKey": []]]
        case .anyone: operation["security"] = []
        case .sourceVerification:
            operation["security"] = []
            operation["x-verification"] = "the source's own verification settings"
        }
        if let schema = route.requestBody {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
        }
        return .object(operation)
    }

    private static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    private static func operationId(_ route: RouteDescription) -> String {
        let words = route.path.split(separator: "/").map { segment in
            segment.hasPrefix("{") ? "By" + segment.dropFirst().dropLast().capitalized : segment.capitalized
        }
        return route.method.rawValue.lowercased() + words.joined().replacingOccurrences(of: "-", with: "")
    }

    private static let errorSchema: JSONValue = [
        "type": "object",
        "required": ["error"],
        "properties": [
            "error": [
                "type": "object",
                "required": ["code", "message"],
                "properties": [
                    "code": ["type": "string"],
                    "message": ["type": "string"],
                    "field": ["type": ["string", "null"]],
                ],
            ]
        ],
    ]
}

/// Small helpers for writing request-body schemas.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }

    static let string: JSONValue = ["type": "string"]
    /// A required name: 1 to 200 characters.
    static let name: JSONValue = ["type": "string", "minLength": 1, "maxLength": 200]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let anyObject: JSONValue = ["type": "object"]
    static let nullableObject: JSONValue = ["type": ["object", "null"]]

    static func oneOf(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string))]
    }
}
