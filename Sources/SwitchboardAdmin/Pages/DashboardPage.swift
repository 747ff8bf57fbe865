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
            let day = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-86400), failingLimit: Self.listed)
            let hour = try await panel.storage.activitySummary(workspaceId: user.workspaceId, since: now.addingTimeInterval(-3600), failingLimit: 0)
            let anyDestination = try await panel.storage.listDestinations(workspaceId: user.workspaceId, search: nil, page: PageRequest(limit: 1))
            let switchedOff = try await panel.storage.listDestinations(
                workspaceId: user.workspaceId, filter: DestinationFilter(enabled: false), page: PageRequest(limit: Self.listed))
            func window(_ label: String, _ summary: ActivitySummary) -> [String: Any] {
                [
                    "label": label, "events": summary.events, "deliveries": summary.deliveryTotal,
                    "successRate": AdminFormat.rate(succeeded: summary.deliveries[.succeeded] ?? 0, failed: summary.deliveries[.failed] ?? 0),
                ]
            }
            // The most failing ones, named and their deliveries counted by one query each; the rest are a link away.
            let failingIds = day.failing.map(\.destinationId)
            let names = try await panel.storage.destinationNames(ids: failingIds, workspaceId: user.workspaceId)
            let succeeded = try await panel.storage.deliveryCounts(
                workspaceId: user.workspaceId, destinationIds: failingIds, since: now.addingTimeInterval(-86400)
            ).filter { $0.status == .succeeded }
            let failures: [[String: Any]] = day.failing.map { row in
                [
                    "id": row.destinationId, "name": names[row.destinationId] ?? row.destinationId, "failed": row.count,
                    "succeeded": succeeded.first { $0.destinationId == row.destinationId }?.count ?? 0,
                ]
            }
            let disabled: [[String: Any]] = switchedOff.items.map {
                ["id": $0.id, "name": $0.name, "reason": $0.disabledReason ?? ""]
            }
            var data: [String: Any] = [
                "windows": [window("hour", hour), window("day", day)], "pending": day.pending,
                "failures": failures, "hasFailures": !failures.isEmpty, "disabled": disabled, "hasDisabled": !disabled.isEmpty,
                "hasDestinations": !anyDestination.items.isEmpty, "moreDisabled": switchedOff.nextCursor != nil,
            ]
            if day.failingDestinations > failures.count { data["moreFailures"] = day.failingDestinations - failures.count }
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
            (status, colour, summary.deliveries[status] ?? 0)
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
