import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

@Suite struct EventsAPITests {
    @Test func filtersAndPagesNewestFirst() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let batch: JSONValue = [
                "batch": [
                    ["type": "track", "userId": "u1", "event": "Signed Up", "messageId": "1"],
                    ["type": "identify", "userId": "u2", "traits": ["plan": "pro"], "messageId": "2"],
                    ["type": "track", "userId": "u2", "event": "Signed Up", "messageId": "3"],
                    ["type": "track", "anonymousId": "a9", "event": "Viewed", "messageId": "4"],
                ]
            ]
            #expect(try await client.call(.post, "/v1/batch", key: nil, json: batch, headers: basicAuth(writeKey)).status == .ok)
            func ids(_ query: String) async throws -> [String] {
                try await client.events(query).compactMap { $0["messageId"]?.stringValue }
            }
            #expect(try await ids("") == ["4", "3", "2", "1"])
            #expect(try await ids("&name=Signed%20Up") == ["3", "1"])
            #expect(try await ids("&userId=u2") == ["3", "2"])
            #expect(try await ids("&type=identify") == ["2"])
            #expect(try await ids("&since=2000-01-01T00:00:00Z") == ["4", "3", "2", "1"])
            #expect(try await ids("&since=2999-01-01T00:00:00Z") == [])

            let first = try await client.call(.get, "/v1/events?limit=3")
            #expect(first.json["data"]?.arrayValue?.count == 3)
            let cursor = try #require(first.json["nextCursor"]?.stringValue)
            let second = try await client.call(.get, "/v1/events?limit=3&cursor=\(cursor)")
            #expect(second.json["data"]?.arrayValue?.compactMap { $0["messageId"]?.stringValue } == ["1"])
            #expect(second.json["nextCursor"] == .null)
        }
    }

    @Test func oneEventByIdOnlyInItsWorkspace() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": "E"], headers: basicAuth(writeKey))
            let id = try #require(try await client.events().first?["id"]?.stringValue)
            let event = try await client.call(.get, "/v1/events/\(id)")
            #expect(event.status == .ok)
            #expect(event.json["event"] == "E")
            #expect(event.json["sourceId"]?.stringValue?.hasPrefix("src_") == true)

            let other = try await client.create("/v1/workspaces", ["name": "other"])
            let otherKey = try await client.makeKey(role: .viewer, workspaceId: other["id"]?.stringValue)
            #expect(try await client.call(.get, "/v1/events/\(id)", key: otherKey).status == .notFound)
            #expect(try await client.events(key: otherKey).isEmpty)
            #expect(try await client.call(.get, "/v1/events/evt_missing").status == .notFound)
        }
    }

    @Test func badQueryParametersAre422() async throws {
        try await withSwitchboard { client in
            for (query, field) in [("limit=0", "limit"), ("limit=abc", "limit"), ("limit=100000", "limit"), ("since=yesterday", "since"), ("cursor=zzz", "cursor"), ("type=click", "type")] {
                let response = try await client.call(.get, "/v1/events?\(query)")
                #expect(response.status == .unprocessableContent, "\(query)")
                #expect(response.error.field == field)
            }
        }
    }
}
