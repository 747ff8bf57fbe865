import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import Testing

@Suite struct SourcesAPITests {
    @Test func segmentSourcesHaveAWriteKeyOthersAnIngestURL() async throws {
        try await withSwitchboard({ $0.publicURL = "https://switchboard.example.com" }) { client in
            let segment = try await client.create("/v1/sources", ["name": "Website", "type": "segment"])
            #expect(segment["id"]?.stringValue?.hasPrefix("src_") == true)
            #expect(segment["writeKey"]?.stringValue?.count == 32)
            #expect(segment["ingestUrl"] == "https://switchboard.example.com/v1/batch")
            let hook = try await client.create(
                "/v1/sources", ["name": "Open Loyalty", "type": "openloyalty", "verification": ["type": "token", "header": "X-Token", "secret": "t"]])
            let hookId = try #require(hook["id"]?.stringValue)
            #expect(hook["writeKey"] == .null)
            #expect(hook["ingestUrl"] == .string("https://switchboard.example.com/ingest/\(hookId)"))
            #expect(hook["verification"]?["type"] == "token")
            let listed = try await client.call(.get, "/v1/sources").json["data"]?.arrayValue ?? []
            #expect(listed.compactMap { $0["name"]?.stringValue } == ["Website", "Open Loyalty"])
        }
    }

    @Test func patchChangesOnlyWhatIsGiven() async throws {
        try await withSwitchboard { client in
            let created = try await client.create("/v1/sources", ["name": "Braze", "type": "braze-currents", "eventNamePrefix": "braze-"])
            let id = try #require(created["id"]?.stringValue)
            let renamed = try await client.call(.patch, "/v1/sources/\(id)", json: ["name": "Braze Currents"])
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] == "Braze Currents")
            #expect(renamed.json["eventNamePrefix"] == "braze-")
            let cleared = try await client.call(.patch, "/v1/sources/\(id)", json: ["eventNamePrefix": .null])
            #expect(cleared.json["eventNamePrefix"] == .null)
            let retyped = try await client.call(.patch, "/v1/sources/\(id)", json: ["type": "segment"])
            #expect(retyped.status == .unprocessableContent)
            #expect(retyped.error.field == "type")
            let badVerification = try await client.call(.patch, "/v1/sources/\(id)", json: ["verification": ["type": "magic"]])
            #expect(badVerification.error.field == "verification.type")
            #expect(try await client.call(.get, "/v1/sources/\(id)").json["name"] == "Braze Currents")
        }
    }

    @Test func deletedSourcesAreGoneButTheirEventsStay() async throws {
        try await withSwitchboard { client in
            let created = try await client.create("/v1/sources", ["name": "web", "type": "segment"])
            let id = try #require(created["id"]?.stringValue)
            let writeKey = try #require(created["writeKey"]?.stringValue)
            try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": "E"], headers: basicAuth(writeKey))
            #expect(try await client.call(.delete, "/v1/sources/\(id)").status == .noContent)
            #expect(try await client.call(.get, "/v1/sources/\(id)").status == .notFound)
            #expect(try await client.call(.delete, "/v1/sources/\(id)").status == .notFound)
            #expect(try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": "E"], headers: basicAuth(writeKey)).status == .unauthorized)
            #expect(try await client.events().count == 1)
        }
    }
}
