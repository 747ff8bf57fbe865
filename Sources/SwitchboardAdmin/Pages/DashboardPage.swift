import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Events in and deliveries out over the last hour and day, the queue, failures, disabled destinations.
struct DashboardPage {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("") { _, context in
            let user = try context.signedIn()
            let now = panel.now()
            let day = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-86400))
            let hour = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-3600))
            // One page of destinations names the failure rows; a workspace with more shows ids for the rest.
            let destinations = try await panel.storage.listDestinations(
                workspaceId: user.workspaceId, search: nil, page: PageRequest(limit: PageRequest.maximumLimit))
            let names = Dictionary(destinations.items.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let switchedOff = try await panel.storage.listDestinations(
                workspaceId: user.workspaceId, filter: DestinationFilter(enabled: false), page: PageRequest(limit: PageRequest.maximumLimit))
            func window(_ label: String, _ summary: ActivitySummary) -> [String: Any] {
                let count = { (status: DeliveryStatus) in summary.deliveries.filter { $0.status == status }.reduce(0) { $0 &+ $1.count } }
                return [
                    "label": label, "events": summary.events, "deliveries": summary.deliveries.reduce(0) { $0 &+ $1.count },
                    "successRate": AdminFormat.rate(succeeded: count(.succeeded), failed: count(.failed)),
                ]
            }
            var failed: [String: Int] = [:]
            var succeeded: [String: Int] = [:]
            for row in day.deliveries {
                if row.status == .failed { failed[row.destinationId, default: 0] &+= row.count }
                if row.status == .succeeded { succeeded[row.destinationId, default: 0] &+= row.count }
            }
            let failures: [[String: Any]] = failed.sorted { $0.value > $1.value }.map {
                ["id": $0.key, "name": names[$0.key] ?? $0.key, "failed": $0.value, "succeeded": succeeded[$0.key] ?? 0]
            }
            let disabled: [[String: Any]] = switchedOff.items.map {
                ["id": $0.id, "name": $0.name, "reason": $0.disabledReason ?? ""]
            }
            var data: [String: Any] = [
                "windows": [window("hour", hour), window("day", day)], "pending": day.pending,
                "failures": failures, "hasFailures": !failures.isEmpty, "disabled": disabled, "hasDisabled": !disabled.isEmpty,
                "hasDestinations": !destinations.items.isEmpty,
            ]
            if let oldest = day.oldestPendingAt {
                var time: [String: Any] = AdminFormat.time(oldest)
                time["age"] = AdminFormat.age(now.timeIntervalSince(oldest))
                data["oldestPending"] = time
            }
            return panel.renderer.page("dashboard", title: "Dashboard", data: data, user: user, section: "dashboard")
        }
    }
}
