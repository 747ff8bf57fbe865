import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import Testing

/// Bad input gets a clear error in the API's shape and changes nothing.
@Suite struct BadInputTests {
    private func raw(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
    private let json: HTTPFields = [.contentType: "application/json"]

    @Test func malformedJSONIs400() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            var headers = basicAuth(writeKey)
            headers[.contentType] = "application/json"
            for text in ["{\"userId\":", "not json", ""] {
                let response = try await client.call(.post, "/v1/track", key: nil, body: raw(text), headers: headers)
                #expect(response.status == .badRequest)
                #expect(response.error.code == "malformed_json")
                #expect(response.json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            let management = try await client.call(.post, "/v1/sources", body: raw("{name:"), headers: json)
            #expect(management.status == .badRequest)
            #expect(management.error.code == "malformed_json")
            #expect(try await client.events().isEmpty)
        }
    }

    @Test func wrongTypesAre422NamingTheField() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let cases: [(JSONValue, String)] = [
                (["userId": "u1", "event": ["not": "a string"]], "event"),
                (["userId": 42, "event": "E"], "userId"),
                (["userId": "u1", "event": "E", "properties": [1, 2]], "properties"),
                (["userId": "u1", "event": "E", "timestamp": 1_700_000_000], "timestamp"),
            ]
            for (body, field) in cases {
                let response = try await client.call(.post, "/v1/track", key: nil, json: body, headers: basicAuth(writeKey))
                #expect(response.status == .unprocessableContent)
                #expect(response.error.code == "validation_failed")
                #expect(response.error.field == field)
            }
            let source = try await client.call(.post, "/v1/sources", json: ["name": 7, "type": "segment"])
            #expect(source.status == .unprocessableContent)
            #expect(source.error.field == "name")
            let sourceType = try await client.call(.post, "/v1/sources", json: ["name": "s", "type": "kafka"])
            #expect(sourceType.error.field == "type")
            #expect(try await client.events().isEmpty)
            #expect(try await client.call(.get, "/v1/sources").json["data"]?.arrayValue?.count == 1)
        }
    }

    @Test func aBatchWithOneBadMessageStoresNothing() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let batch: JSONValue = [
                "batch": [
                    ["type": "track", "userId": "u1", "event": "Good"],
                    ["type": "track", "userId": "u1"],
                ]
            ]
            let response = try await client.call(.post, "/v1/batch", key: nil, json: batch, headers: basicAuth(writeKey))
            #expect(response.status == .unprocessableContent)
            #expect(response.error.field == "batch[1].event")
            #expect(try await client.events().isEmpty)
        }
    }

    @Test func unknownFieldsAreTolerated() async throws {
        try await withSwitchboard { client in
            let source = try await client.call(.post, "/v1/sources", json: ["name": "s", "type": "segment", "color": "blue"])
            #expect(source.status == .created)
            let writeKey = try #require(source.json["writeKey"]?.stringValue)
            let track = try await client.call(
                .post, "/v1/track", key: nil, json: ["userId": "u1", "event": "E", "somethingNew": ["x": 1]], headers: basicAuth(writeKey))
            #expect(track.status == .ok)
            #expect(try await client.events().first?["somethingNew"] == ["x": 1])
        }
    }

    @Test func bodiesOverTheLimitAre413EvenWhenCompressed() async throws {
        try await withSwitchboard({ $0.maxBodyBytes = 2048 }) { client in
            let writeKey = try await client.makeWriteKey()
            let big: JSONValue = ["userId": "u1", "event": "E", "properties": ["blob": .string(String(repeating: "x", count: 4096))]]
            let plain = try await client.call(.post, "/v1/track", key: nil, json: big, headers: basicAuth(writeKey))
            #expect(plain.status == .contentTooLarge)
            #expect(plain.error.code == "payload_too_large")

            // 4 KiB of JSON compresses far below the limit; its decompressed size is what counts.
            var buffer = ByteBuffer(bytes: JSONCoding.data(big))
            let gzipped = try buffer.compress(with: .gzip())
            #expect(gzipped.readableBytes < 2048)
            var headers = basicAuth(writeKey)
            headers[.contentType] = "application/json"
            headers[.contentEncoding] = "gzip"
            let compressed = try await client.call(.post, "/v1/track", key: nil, body: gzipped, headers: headers)
            #expect(compressed.status == .contentTooLarge)
            #expect(compressed.error.code == "payload_too_large")
            #expect(try await client.events().isEmpty)
        }
    }

    @Test func wrongContentTypeOrEncodingIs415() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            var form = basicAuth(writeKey)
            form[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.call(.post, "/v1/track", key: nil, body: raw(#"{"userId":"u1","event":"E"}"#), headers: form)
            #expect(response.status == .unsupportedMediaType)
            #expect(response.error.code == "unsupported_media_type")
            var brotli = basicAuth(writeKey)
            brotli[.contentType] = "application/json"
            brotli[.contentEncoding] = "br"
            #expect(try await client.call(.post, "/v1/track", key: nil, body: raw("{}"), headers: brotli).status == .unsupportedMediaType)
            // text/plain is for analytics.js on ingest only, not for management calls.
            let management = try await client.call(.post, "/v1/sources", body: raw(#"{"name":"s","type":"segment"}"#), headers: [.contentType: "text/plain"])
            #expect(management.status == .unsupportedMediaType)
            #expect(try await client.events().isEmpty)
        }
    }

    @Test func jsonNestedDeeperThan64LevelsIs400() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            func body(depth: Int) -> ByteBuffer {
                // The event object is level 1, properties level 2, then nested arrays.
                let arrays = depth - 2
                return raw(#"{"userId":"u1","event":"E","properties":{"deep":"# + String(repeating: "[", count: arrays) + String(repeating: "]", count: arrays) + "}}")
            }
            var headers = basicAuth(writeKey)
            headers[.contentType] = "application/json"
            let tooDeep = try await client.call(.post, "/v1/track", key: nil, body: body(depth: 65), headers: headers)
            #expect(tooDeep.status == .badRequest)
            #expect(tooDeep.error.code == "malformed_json")
            #expect(try await client.events().isEmpty)
            #expect(try await client.call(.post, "/v1/track", key: nil, body: body(depth: 64), headers: headers).status == .ok)
            let hostile = try await client.call(.post, "/v1/track", key: nil, body: raw(String(repeating: "[", count: 200_000)), headers: headers)
            #expect(hostile.status == .badRequest)
        }
    }

    @Test func unknownRoutesAre404InTheErrorShape() async throws {
        try await withSwitchboard { client in
            let response = try await client.call(.get, "/v1/nothing-here")
            #expect(response.status == .notFound)
            #expect(response.error.code == "not_found")
            #expect(response.json["error"]?["field"] == .null)
        }
    }
}
