import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// `/metrics`: scraped after a known workload and read back with a Prometheus text parser.
@Suite struct MetricsTests {
    static func scrape(_ client: any TestClientProtocol, token: String? = nil) async throws -> PrometheusText {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.executeRequest(uri: "/metrics", method: .get, headers: headers, body: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return try PrometheusText(String(buffer: response.body))
    }

    static func withMetricsSwitchboard(_ configure: @escaping @Sendable (inout ServerSettings) -> Void = { _ in }, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withSwitchboard({ settings in
            settings.dispatcher.pollInterval = .milliseconds(20)
            // Every scrape reads the database afresh.
            settings.metricsRefreshSeconds = 0
            configure(&settings)
        }, test)
    }

    @Test func eachFamilyCountsAKnownWorkload() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withMetricsSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (destination, _) = try await DeliveryTests.route(client, to: url, subscription: ["eventNames": ["Order Completed"]])
                let destinationId = try #require(destination["id"]?.stringValue)
                for index in 0..<3 {
                    try await DeliveryTests.track(client, writeKey: writeKey, ["userId": .string("u\(index)"), "event": "Order Completed"])
                }
                // Neither userId nor anonymousId: refused.
                let refused = try await client.call(.post, "/v1/track", key: nil, json: ["event": "Order Completed"], headers: basicAuth(writeKey))
                #expect(refused.status.code >= 400 && refused.status.code < 500)
                _ = try await receiver.waitFor(3)
                let metrics = try await eventually {
                    let metrics = try await Self.scrape(client)
                    // Counted once recorded, and the gauges read at the scrape's start: wait for both.
                    let sent = metrics.value("switchboard_deliveries_total", ["destination": destinationId, "outcome": "succeeded"]) == 3
                    let drained = (metrics.value("switchboard_destination_pending_deliveries", ["destination": destinationId]) ?? 0) == 0
                    return sent && drained ? metrics : nil
                }

                #expect(metrics.types["switchboard_events_ingested_total"] == "counter")
                #expect(metrics.value("switchboard_events_ingested_total", ["source_type": "segment", "outcome": "accepted"]) == 3)
                #expect(metrics.value("switchboard_events_ingested_total", ["source_type": "segment", "outcome": "rejected"]) == 1)
                #expect(metrics.value("switchboard_deliveries_total", ["destination": destinationId, "outcome": "failed"]) == nil)
                #expect(metrics.types["switchboard_delivery_attempt_duration_seconds"] == "histogram")
                #expect(metrics.value("switchboard_delivery_attempt_duration_seconds_count") == 3)
                #expect(metrics.value("switchboard_delivery_attempt_duration_seconds_bucket", ["le": "+Inf"]) == 3)
                #expect(metrics.value("switchboard_http_requests_total", ["route": "/v1/track", "method": "POST", "status": "200"]) == 3)
                #expect(metrics.value("switchboard_http_requests_total", ["route": "/v1/track", "method": "POST", "status": String(refused.status.code)]) == 1)
                #expect(metrics.value("switchboard_http_request_duration_seconds_count", ["route": "/v1/track", "method": "POST"]) == 4)
                #expect(metrics.value("switchboard_destinations_disabled") == 0)
                // Nothing pending: the destination's backlog gauges read 0 or are gone.
                #expect((metrics.value("switchboard_destination_pending_deliveries", ["destination": destinationId]) ?? 0) == 0)
                // Labels stay bounded: no URL, user id or key in any label value.
                for sample in metrics.samples {
                    for value in sample.labels.values {
                        #expect(!value.contains("127.0.0.1") && !["u0", "u1", "u2"].contains(value) && !value.contains(writeKey), "\(sample)")
                    }
                }
            }
        }
    }

    /// The scheduler's counters after a known run: a date trigger fired once, a recurring sync run
    /// that succeeded and one that failed; the pool gauge on PostgreSQL only.
    @Test func schedulerCountersCountDateTriggersAndSyncRuns() async throws {
        let clock = AudiencesTests.TestClock()
        try await Receiver.with { receiver, url in
            try await withSwitchboard(
                { settings in
                    settings.dispatcher.pollInterval = .milliseconds(20)
                    settings.schedules.interval = .milliseconds(20)
                    settings.metricsRefreshSeconds = 0
                }, now: { clock.now }
            ) { client in
                let writeKey = try await client.makeWriteKey()
                _ = try await client.create(
                    "/v1/date-triggers", ["name": "Points expiring", "field": "traits.points_expire_at", "daysBefore": 3, "eventName": "PointsWillExpire"])
                let date = Timestamp.format(clock.now.addingTimeInterval(10 * 86_400)).prefix(10)
                try await AudiencesTests.send(client, writeKey, "/v1/identify", ["userId": "m1", "traits": ["points_expire_at": .string(String(date))]])
                clock.advance(days: 8)
                _ = try await eventually { try await client.events("&name=PointsWillExpire").first }

                let audienceId = try await SyncsTests.vipAudience(client)
                try await SyncsTests.spend(client, writeKey, "u1", 600)
                let destination = try await client.create("/v1/destinations", ["name": "list", "url": .string(url), "retrySchedule": []])
                let sync = try await client.create(
                    "/v1/syncs", ["audienceId": .string(audienceId), "destinationId": destination["id"] ?? .null, "intervalSeconds": 3600])
                let syncId = try #require(sync["id"]?.stringValue)
                _ = try await eventually { try await SyncsTests.runs(client, syncId).first { $0["status"] == "succeeded" } }
                try await SyncsTests.spend(client, writeKey, "u2", 700)
                receiver.script([Receiver.Reply(status: .internalServerError)])
                clock.advance(days: 1.0 / 24 + 0.001)
                _ = try await eventually { try await SyncsTests.runs(client, syncId).first { $0["status"] == "failed" } }

                let metrics = try await eventually {
                    let metrics = try await Self.scrape(client)
                    return metrics.value("switchboard_sync_runs_total", ["outcome": "failed"]) == 1 ? metrics : nil
                }
                #expect(metrics.value("switchboard_date_triggers_fired_total") == 1)
                #expect(metrics.value("switchboard_sync_runs_total", ["outcome": "started"]) == 2)
                #expect(metrics.value("switchboard_sync_runs_total", ["outcome": "succeeded"]) == 1)
                #expect(metrics.value("switchboard_scheduler_failures_total") == nil)
                #expect(metrics.types["switchboard_database_connections_in_use"] == (TestDatabase.serverDatabase == nil ? nil : "gauge"))
            }
        }
    }

    @Test func theBacklogGaugeFallsAsAPausedDestinationDrains() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withMetricsSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (destination, _) = try await DeliveryTests.route(
                    client, to: url, destination: ["enabled": false, "rateLimit": ["perSecond": 5]], subscription: ["eventNames": ["Order Completed"]])
                let destinationId = try #require(destination["id"]?.stringValue)
                for index in 0..<5 {
                    try await DeliveryTests.track(client, writeKey: writeKey, ["userId": .string("u\(index)"), "event": "Order Completed"])
                }
                let paused = try await Self.scrape(client)
                #expect(paused.types["switchboard_destination_pending_deliveries"] == "gauge")
                #expect(paused.value("switchboard_destination_pending_deliveries", ["destination": destinationId]) == 5)
                #expect((paused.value("switchboard_destination_backlog_seconds", ["destination": destinationId]) ?? -1) >= 0)
                #expect(paused.value("switchboard_destinations_disabled") == 1)
                #expect(receiver.requests.isEmpty)

                let enabled = try await client.call(.patch, "/v1/destinations/\(destinationId)", json: ["enabled": true])
                #expect(enabled.status == .ok)
                // Five a second: the queue drains over about a second, and each reading is no higher than the one before.
                var readings: [Double] = [5]
                let drained = try await eventually { () -> Bool? in
                    let value = try await Self.scrape(client).value("switchboard_destination_pending_deliveries", ["destination": destinationId]) ?? 0
                    readings.append(value)
                    return value == 0 ? true : nil
                }
                #expect(drained)
                #expect(readings == readings.sorted(by: >), "\(readings)")
                #expect(readings.contains { $0 > 0 && $0 < 5 }, "saw it fall: \(readings)")
                let after = try await Self.scrape(client)
                #expect(after.value("switchboard_destinations_disabled") == 0)
                #expect(after.value("switchboard_deliveries_total", ["destination": destinationId, "outcome": "succeeded"]) == 5)
            }
        }
    }

    @Test func aMetricsTokenIsRequiredWhenSet() async throws {
        try await Self.withMetricsSwitchboard({ $0.metricsToken = "m3trics-token" }) { client in
            let missing = try await client.call(.get, "/metrics", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.error.code == "unauthorized")
            let wrong = try await client.call(.get, "/metrics", key: "not-the-token")
            #expect(wrong.status == .unauthorized)
            let metrics = try await Self.scrape(client, token: "m3trics-token")
            #expect(metrics.value("switchboard_destinations_disabled") == 0)
        }
    }

    @Test func metricsAreOpenByDefaultAndServersKeepTheirOwn() async throws {
        try await Self.withMetricsSwitchboard { first in
            _ = try await first.call(.get, "/healthz", key: nil)
            try await Self.withMetricsSwitchboard { second in
                let metrics = try await Self.scrape(second)
                #expect(metrics.value("switchboard_http_requests_total", ["route": "/healthz", "method": "GET", "status": "200"]) == nil)
            }
            let metrics = try await Self.scrape(first)
            #expect(metrics.value("switchboard_http_requests_total", ["route": "/healthz", "method": "GET", "status": "200"]) == 1)
        }
    }
}
