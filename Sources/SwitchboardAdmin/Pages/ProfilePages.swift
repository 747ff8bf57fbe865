import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Profiles: look one up by user id (or part of it), and a profile with its traits, audiences
/// and recent events.
struct ProfilePages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("profiles") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let search = query["search"].flatMap { $0.isEmpty ? nil : $0 }
            let page = try await panel.storage.listProfiles(
                workspaceId: user.workspaceId, audienceId: nil, search: search, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            var data: [String: Any] = [
                "search": search ?? "", "hasRows": !page.items.isEmpty, "searched": search != nil,
                "rows": page.items.map { view in
                    [
                        "userId": Self.shownId(view.profile), "link": ActivityPages.escape(Self.shownId(view.profile)),
                        "audiences": view.audienceKeys.joined(separator: ", "), "traits": view.profile.traits.count,
                        "lastSeen": AdminFormat.time(view.profile.lastSeen),
                    ] as [String: Any]
                },
            ]
            if let next = page.nextCursor {
                data["next"] = "/admin/profiles?search=\(ActivityPages.escape(search ?? ""))&cursor=\(ActivityPages.escape(next))"
            }
            return panel.renderer.page("profiles", title: "Profiles", data: data, user: user, section: "profiles")
        }
        group.get("profiles/{userId}") { _, context in
            let user = try context.signedIn()
            let raw = context.parameters.get("userId") ?? ""
            let id = raw.removingPercentEncoding ?? raw
            guard let view = try await panel.storage.profile(workspaceId: user.workspaceId, id: id) else {
                throw AdminError.notFound("No profile has this user id or anonymous id.")
            }
            let events = try await panel.storage.listEvents(
                workspaceId: user.workspaceId, filter: EventFilter(userId: view.profile.key.userId ?? id), page: PageRequest(limit: 20))
            let data: [String: Any] = [
                "anonymousIds": view.profile.anonymousIds.joined(separator: ", "), "audiences": view.audienceKeys,
                "hasAudiences": !view.audienceKeys.isEmpty, "traits": SubscriptionForm.pretty(.object(view.profile.traits)),
                "firstSeen": AdminFormat.time(view.profile.firstSeen), "lastSeen": AdminFormat.time(view.profile.lastSeen),
                "events": events.items.map { ["id": $0.id, "name": $0.name, "type": $0.type.rawValue, "received": AdminFormat.time($0.receivedAt)] as [String: Any] },
                "hasEvents": !events.items.isEmpty,
            ]
            return panel.renderer.page("profile", title: "Profile \(Self.shownId(view.profile))", data: data, user: user, section: "profiles")
        }
    }

    /// The user id, else the id the profile is stored under (an anonymous visitor's).
    static func shownId(_ profile: Profile) -> String { profile.key.userId ?? profile.key.stored }
}

/// Date triggers, as Open Loyalty's "Expiring notifications": an event some days before a date
/// held in a profile trait (points, coupons or a tier expiring).
struct DateTriggerPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("date-triggers") { _, context in
            try await list(values: ["daysBefore": "7", "atTime": "09:00", "eventName": "PointsWillExpire", "field": "traits.points_expire_at"],
                           errors: [:], error: nil, user: try context.signedIn())
        }
        group.post("date-triggers") { _, context in
            let user = try context.editor()
            var values: [String: String] = [:]
            for name in ["name", "field", "daysBefore", "eventName", "atTime"] { values[name] = context.form.raw(name) ?? "" }
            do {
                let days = (values["daysBefore"] ?? "").trimmingCharacters(in: .whitespaces)
                var fields: [String: JSONValue] = [
                    "name": .string(values["name"] ?? ""), "field": .string(values["field"] ?? ""), "eventName": .string(values["eventName"] ?? ""),
                    "daysBefore": Int64(days).map(JSONValue.int) ?? .string(days),
                ]
                if let time = values["atTime"], !time.isEmpty { fields["atTime"] = .string(time) }
                let trigger = DateTrigger(
                    id: panel.identifiers.make(.dateTrigger), workspaceId: user.workspaceId, fields: try DateTriggerFields(create: .object(fields)),
                    now: panel.now())
                try await panel.storage.createDateTrigger(trigger)
                return Response.redirect(to: "/admin/date-triggers", type: .normal)
            } catch let error as ValidationError {
                let input = ["name", "field", "daysBefore", "eventName", "atTime"].contains(error.field ?? "") ? error.field ?? "" : "name"
                var response = try await list(values: values, errors: [input: error.message], error: error.message, user: user)
                response.status = .unprocessableContent
                return response
            }
        }
        group.post("date-triggers/{id}/delete") { _, context in
            let user = try context.editor()
            guard try await panel.storage.deleteDateTrigger(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("There is no such date trigger in this workspace.")
            }
            return Response.redirect(to: "/admin/date-triggers", type: .normal)
        }
    }

    private func list(values: [String: String], errors: [String: String], error: String?, user: AdminUser) async throws -> Response {
        let page = try await panel.storage.listDateTriggers(workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.maximumLimit))
        var data: [String: Any] = [
            "rows": page.items.map { trigger in
                [
                    "id": trigger.id, "name": trigger.name, "field": trigger.field, "daysBefore": trigger.daysBefore, "eventName": trigger.eventName,
                    "atTime": trigger.atTime.text,
                ] as [String: Any]
            },
            "hasRows": !page.items.isEmpty, "errors": errors,
            "name": values["name"] ?? "", "field": values["field"] ?? "", "daysBefore": values["daysBefore"] ?? "",
            "eventName": values["eventName"] ?? "", "atTime": values["atTime"] ?? "",
            "presets": ["PointsWillExpire", "CouponWillExpire", "LevelWillExpire"].map { ["name": $0] },
        ]
        if let error { data["error"] = "Not saved: \(error)" }
        return panel.renderer.page("dateTriggers", title: "Date triggers (expiring notifications)", data: data, user: user, section: "dateTriggers")
    }
}
