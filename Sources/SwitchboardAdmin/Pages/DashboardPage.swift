import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Events in and deliveries out over the last hour and day, the queue, failures, disabled destinations.
struct DashboardPage {
    let panel: AdminPanel

    /// Rows of each list on the page: a workspace with thousands of destinations links to the rest.
    static let listed = 20

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("") { _, context in
            let user = try context.signedIn()
            let now = panel.now()
            let day = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-86400))
            let hour = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-3600))
            let anyDestination = try await panel.storage.listDestinations(workspaceId: user.workspaceId, search: nil, page: PageRequest(limit: 1))
            let switchedOff = try await panel.storage.listDestinations(
                workspaceId: user.workspaceId, filter: DestinationFilter(enabled: false), page: PageRequest(limit: Self.listed))
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
            // The most failing ones, named by one query; the rest are a link away.
            let worst = failed.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.listed)
            let names = try await panel.storage.destinationNames(ids: worst.map(\.key), workspaceId: user.workspaceId)
            let failures: [[String: Any]] = worst.map {
                ["id": $0.key, "name": names[$0.key] ?? $0.key, "failed": $0.value, "succeeded": succeeded[$0.key] ?? 0]
            }
            let disabled: [[String: Any]] = switchedOff.items.map {
                ["id": $0.id, "name": $0.name, "reason": $0.disabledReason ?? ""]
            }
            var data: [String: Any] = [
                "windows": [window("hour", hour), window("day", day)], "pending": day.pending,
                "failures": failures, "hasFailures": !failures.isEmpty, "disabled": disabled, "hasDisabled": !disabled.isEmpty,
                "hasDestinations": !anyDestination.items.isEmpty, "moreDisabled": switchedOff.nextCursor != nil,
            ]
            if failed.count > worst.count { data["moreFailures"] = failed.count - worst.count }
            data.merge(Self.chart(day)) { _, new in new }
            if let oldest = day.oldestPendingAt {
                var time: [String: Any] = AdminFormat.time(oldest)
                time["age"] = AdminFormat.age(now.timeIntervalSince(oldest))
                data["oldestPending"] = time
            }
            return panel.renderer.page("dashboard", title: "Dashboard", data: data, user: user, section: "dashboard")
        }
    }

    /// Bars of the day's deliveries by status, drawn on the server (no script): each labelled
    /// with its status and count, so the colour only repeats what the text says.
    static func chart(_ summary: ActivitySummary) -> [String: Any] {
        let statuses: [(DeliveryStatus, String)] = [(.succeeded, "#1f7a4d"), (.failed, "#b42318"), (.pending, "#8a5a00"), (.cancelled, "#52606d")]
        let counts = statuses.map { status, colour in
            (status, colour, summary.deliveries.filter { $0.status == status }.reduce(0) { $0 &+ $1.count })
        }
        let largest = counts.map(\.2).max() ?? 0
        guard largest > 0 else { return ["hasChart": false] }
        let bars: [[String: Any]] = counts.enumerated().map { index, entry in
            // The share is clamped to 0...1 before it becomes an integer: the conversion cannot trap.
            let share = min(max(Double(entry.2) / Double(largest), 0), 1)
            let width = max(entry.2 > 0 ? 2 : 0, Int((share * 420).rounded()))
            return [
                "label": AdminFormat.deliveryStatus(entry.0).text, "count": entry.2, "colour": entry.1, "width": width,
                "y": index * 30 + 4, "textY": index * 30 + 19, "countX": 110 + width + 8,
            ]
        }
        return ["hasChart": true, "bars": bars, "chartHeight": bars.count * 30 + 8]
    }
}
