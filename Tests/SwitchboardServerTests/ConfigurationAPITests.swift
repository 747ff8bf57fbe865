import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import SwitchboardStorage
import Testing

/// Destinations, subscriptions and the event-type catalogue: validation and the SSRF guard.
@Suite struct ConfigurationAPITests {
    static let refusedURLs = [
        "http://127.0.0.1:9000/hook", "http://localhost/hook", "http://10.1.2.3/", "http://172.16.0.9/", "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://[fd00::1]/", "http://[fe80::1]/", "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
    ]

    @Test(arguments: refusedURLs)
    func privateDestinationsAreRefusedAtSaveTime(url: String) async throws {
        try await withSwitchboard({ $0.allowPrivateDestinations = false }) { client in
            let response = try await client.call(.post, "/v1/destinations", json: ["name": "internal", "url": .string(url)])
            #expect(response.status == .unprocessableContent, "\(url)")
            #expect(response.error.field == "url")
            #expect(try await client.call(.get, "/v1/destinations").json["data"] == [])
            let created = try await client.create("/v1/destinations", ["name": "public", "url": "https://93.184.216.34/x"])
            let changed = try await client.call(.patch, "/v1/destinations/\(created["id"]?.stringValue ?? "")", json: ["url": .string(url)])
            #expect(changed.status == .unprocessableContent)
        }
    }

    /// A name may resolve differently later: the address is checked again when sending.
    @Test func privateAddressesAreRefusedAtSendTime() async throws {
        try await Receiver.with { receiver, url in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let storage = try SQLiteStorage(path: directory.database)
            let app = try await buildApplication(
                settings: ServerSettings(database: directory.database, adminKey: adminKey, dispatcher: { var d = Dispatcher.Settings(); d.pollInterval = .milliseconds(20); return d }()),
                storage: storage)
            try await app.test(.router) { client in
                let writeKey = try await client.makeWriteKey()
                let created = try await client.create("/v1/destinations", ["name": "later private", "url": "https://93.184.216.34/x"])
                let id = try #require(created["id"]?.stringValue)
                let workspace = try #require(try await storage.source(writeKey: writeKey)?.workspaceId)
                // As if DNS now pointed the name at the receiver on loopback.
                var destination = try #require(try await storage.destination(id: id, workspaceId: workspace))
                destination.url = url
                #expect(try await storage.updateDestination(destination))
                try await client.create("/v1/subscriptions", ["name": "all", "destinationId": .string(id), "eventNames": ["*"]])
                try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": "E"], headers: basicAuth(writeKey))
                let failed = try await eventually { try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.first }
                #expect(failed["attempts"]?.arrayValue?.first?["error"] == "refused_address")
                #expect(receiver.requests.isEmpty)
            }
        }
    }

    @Test func destinationsHaveDefaultsAndASecretShownOnlyOnCreate() async throws {
        try await withSwitchboard { client in
            let created = try await client.create("/v1/destinations", ["name": "Pendula", "url": "https://api.pendula.example/flows/42"])
            #expect(created["method"] == "POST")
            #expect(created["signing"] == "standard-webhooks")
            #expect(created["timeoutMs"] == 15000)
            #expect(created["retrySchedule"] == [5, 300, 1800, 7200, 18000, 36000, 36000])
            #expect(created["ordering"] == "none")
            #expect(created["enabled"] == true)
            #expect(created["secret"]?.stringValue?.hasPrefix("whsec_") == true)
            let id = try #require(created["id"]?.stringValue)
            #expect(try await client.call(.get, "/v1/destinations/\(id)").json["secret"] == nil)
            let given = try await client.create("/v1/destinations", ["name": "B", "url": "https://b.example.com", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
            #expect(given["secret"] == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            let found = try await client.call(.get, "/v1/destinations?search=pendula").json["data"]?.arrayValue ?? []
            #expect(found.map { $0["id"] } == [.string(id)])
            let viewer = try await client.makeKey(role: .viewer)
            #expect(try await client.call(.get, "/v1/destinations/\(id)/secret", key: viewer).status == .forbidden)
        }
    }

    static let badDestinations: [(JSONValue, String)] = [
        (["url": "https://x.example.com"], "name"),
        (["name": "x"], "url"),
        (["name": "x", "url": "ftp://x.example.com"], "url"),
        (["name": "x", "url": "not a url"], "url"),
        (["name": "x", "url": "https://x.example.com", "method": "DELETE"], "method"),
        (["name": "x", "url": "https://x.example.com", "headers": ["Bad Name": "v"]], "headers.Bad Name"),
        (["name": "x", "url": "https://x.example.com", "headers": ["X-A": 1]], "headers.X-A"),
        (["name": "x", "url": "https://x.example.com", "signing": "md5"], "signing"),
        (["name": "x", "url": "https://x.example.com", "secret": "hunter2"], "secret"),
        (["name": "x", "url": "https://x.example.com", "timeoutMs": 0], "timeoutMs"),
        (["name": "x", "url": "https://x.example.com", "retrySchedule": [5, -1]], "retrySchedule[1]"),
        (["name": "x", "url": "https://x.example.com", "rateLimit": ["perSecond": 0]], "rateLimit.perSecond"),
        (["name": "x", "url": "https://x.example.com", "ordering": "random"], "ordering"),
        (["name": "x", "url": "https://x.example.com", "activeFrom": "tomorrow"], "activeFrom"),
    ]

    @Test(arguments: badDestinations)
    func destinationsAreValidated(body: JSONValue, field: String) async throws {
        try await withSwitchboard { client in
            let response = try await client.call(.post, "/v1/destinations", json: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.error.field == field)
            #expect(try await client.call(.get, "/v1/destinations").json["data"] == [])
        }
    }

    @Test func subscriptionsAreValidatedWithTemplateErrorPositions() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://d.example.com"])
            let id = try #require(destination["id"]?.stringValue)
            let cases: [(JSONValue, String)] = [
                (["name": "s", "destinationId": "dst_nope", "eventNames": ["*"]], "destinationId"),
                (["name": "s", "destinationId": .string(id), "eventNames": []], "eventNames"),
                (["name": "s", "destinationId": .string(id), "eventNames": [""]], "eventNames[0]"),
                (["name": "s", "destinationId": .string(id), "eventNames": ["*"], "condition": ["field": "x", "op": "like", "value": 1]], "condition.op"),
                (["name": "s", "destinationId": .string(id), "eventNames": ["*"], "mapping": ["body": ["a": "{{ userId | shout }}"]]], "mapping.body.a"),
                (["name": "s", "destinationId": .string(id), "eventNames": ["*"], "format": "xml"], "format"),
            ]
            for (body, field) in cases {
                let response = try await client.call(.post, "/v1/subscriptions", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.error.field == field)
            }
            let broken = try await client.call(
                .post, "/v1/subscriptions", json: ["name": "s", "destinationId": .string(id), "eventNames": ["*"], "mapping": ["url": "https://x/{{ userId"]])
            #expect(broken.json["error"]?["message"]?.stringValue?.contains("position 10") == true)
            #expect(try await client.call(.get, "/v1/subscriptions").json["data"] == [])
        }
    }

    @Test func subscriptionsRoundTripAndChange() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://d.example.com"])
            let destinationId = try #require(destination["id"]?.stringValue)
            let condition: JSONValue = ["field": "userId", "op": "starts_with", "value": "SA"]
            let mapping: JSONValue = ["headers": ["Authorization": "Bearer t"], "body": ["id": "{{ userId }}"]]
            let created = try await client.create(
                "/v1/subscriptions",
                ["name": "s", "destinationId": .string(destinationId), "eventNames": ["Order Completed"], "condition": condition, "mapping": mapping,
                 "format": "standard-webhooks"])
            #expect(created["condition"] == condition)
            #expect(created["mapping"] == mapping)
            #expect(created["format"] == "standard-webhooks")
            #expect(created["enabled"] == true)
            let id = try #require(created["id"]?.stringValue)
            let changed = try await client.call(.patch, "/v1/subscriptions/\(id)", json: ["eventNames": ["*"], "condition": .null, "enabled": false])
            #expect(changed.json["eventNames"] == ["*"])
            #expect(changed.json["condition"] == .null)
            #expect(changed.json["enabled"] == false)
            #expect(try await client.call(.get, "/v1/subscriptions?destinationId=\(destinationId)").json["data"]?.arrayValue?.count == 1)
            #expect(try await client.call(.delete, "/v1/destinations/\(destinationId)").status == .noContent)
            #expect(try await client.call(.get, "/v1/subscriptions/\(id)").status == .notFound)
        }
    }

    @Test func theCatalogueStartsWithOpenLoyaltyAndSegmentNames() async throws {
        try await withSwitchboard { client in
            let names = try await client.call(.get, "/v1/event-types").json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            for name in ["CustomerRegistered", "PointsWillExpire", "CouponWillExpire", "LevelWillExpire", "identify", "page", "screen", "group", "alias"] {
                #expect(names.contains(name), "\(name)")
            }
            #expect(names.count == 23)
            let created = try await client.create("/v1/event-types", ["name": "Order Completed", "description": "A checkout finished", "schema": ["type": "object"]])
            #expect(created["description"] == "A checkout finished")
            let duplicate = try await client.call(.post, "/v1/event-types", json: ["name": "Order Completed"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.error.code == "conflict")
            #expect(try await client.call(.delete, "/v1/event-types/Order%20Completed").status == .noContent)
            #expect(try await client.call(.delete, "/v1/event-types/Order%20Completed").status == .notFound)
            // A new workspace gets the presets too.
            let other = try await client.create("/v1/workspaces", ["name": "other"])
            let key = try await client.makeKey(role: .viewer, workspaceId: other["id"]?.stringValue)
            #expect(try await client.call(.get, "/v1/event-types", key: key).json["data"]?.arrayValue?.count == 23)
        }
    }
}

@Suite struct EgressAllowlistTests {
    @Test func onlyAllowedHostsMayBeDestinations() async throws {
        try await withSwitchboard({ $0.destinationHosts = ["hooks.example.com"] }) { client in
            #expect(try await client.call(.post, "/v1/destinations", json: ["name": "ok", "url": "https://hooks.example.com/a"]).status == .created)
            let refused = try await client.call(.post, "/v1/destinations", json: ["name": "no", "url": "https://elsewhere.example.com/a"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error.field == "url")
        }
    }
}
