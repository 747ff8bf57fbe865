import Foundation
import SwitchboardCore
import SwitchboardWorkers

/// A rendered request as the API shows it (previews, test sends).
enum RequestDocument {
    static func make(_ request: RenderedRequest) -> JSONValue {
        [
            "method": .string(request.method),
            "url": .string(request.url),
            "headers": .object(Dictionary(request.headers.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first })),
            "body": (try? JSONCoding.parse(request.body, maximumDepth: .max)) ?? .string(String(decoding: request.body, as: UTF8.self)),
        ]
    }

    /// What a test send sent, and what came back.
    static func testSend(request: RenderedRequest, result: SendResult) -> JSONValue {
        [
            "request": make(request),
            "response": result.status.map { status in
                [
                    "status": .int(Int64(status)),
                    "headers": .object(Dictionary(result.headers.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first })),
                    "body": .string(result.body ?? ""),
                ]
            } ?? .null,
            "error": result.error.map { .string($0.rawValue) } ?? .null,
            "durationMs": .int(Int64(result.durationMs)),
        ]
    }
}
