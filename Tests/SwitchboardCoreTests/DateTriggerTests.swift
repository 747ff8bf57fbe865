import Foundation
import SwitchboardCore
import Testing

@Suite struct DateTriggerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    private func field(_ json: JSONValue) -> String? {
        do {
            _ = try DateTriggerFields(create: json)
            return nil
        } catch {
            return error.field
        }
    }

    private func date(_ text: String) throws -> Date {
        try #require(Timestamp.parse(text))
    }

    private func trigger(field: String = "points_expire_at", daysBefore: Int, atTime: String = "09:00") throws -> DateTrigger {
        DateTrigger(
            id: "trg_1", workspaceId: "ws_1",
            fields: try DateTriggerFields(create: [
                "name": "Points expiring", "field": .string(field), "daysBefore": .int(Int64(daysBefore)), "eventName": "Points Expiring",
                "atTime": .string(atTime),
            ]), now: now)
    }

    // MARK: Fields

    @Test func createDefaultsAndDocument() throws {
        let fields = try DateTriggerFields(create: ["field": "traits.points_expire_at", "eventName": "Points Expiring"])
        #expect(fields.daysBefore == 0)
        #expect(fields.atTime == TimeOfDay(hour: 9, minute: 0))
        #expect(fields.name == "Points Expiring")
        let trigger = DateTrigger(id: "trg_1", workspaceId: "ws_1", fields: fields, now: now)
        #expect(
            trigger.document == [
                "id": "trg_1", "name": "Points Expiring", "field": "traits.points_expire_at", "daysBefore": 0, "eventName": "Points Expiring",
                "atTime": "09:00", "createdAt": .string(Timestamp.format(now)),
            ])
        #expect(try self.trigger(daysBefore: 7, atTime: "23:59").document["atTime"] == "23:59")
        #expect(try self.trigger(daysBefore: 7, atTime: "00:05").atTime.secondsOfDay == 300)
    }

    @Test func createRefusalsNameTheField() {
        let base: [String: JSONValue] = ["name": "n", "field": "x", "eventName": "E"]
        func with(_ extra: [String: JSONValue]) -> JSONValue { .object(base.merging(extra) { _, new in new }) }
        #expect(field(with(["daysBefore": -1])) == "daysBefore")
        #expect(field(with(["daysBefore": 3_651])) == "daysBefore")
        #expect(field(with(["daysBefore": 1.5])) == "daysBefore")
        #expect(field(with(["daysBefore": 3_650])) == nil)
        #expect(field(with(["atTime": "25:00"])) == "atTime")
        #expect(field(with(["atTime": "12:60"])) == "atTime")
        #expect(field(with(["atTime": "9:00"])) == "atTime")
        #expect(field(with(["atTime": "09:00:00"])) == "atTime")
        #expect(field(with(["atTime": 900])) == "atTime")
        #expect(field(with(["atTime": "00:00"])) == nil)
        #expect(field(with(["eventName": .null])) == "eventName")
        #expect(field(with(["eventName": ""])) == "eventName")
        #expect(field(with(["eventName": .string(String(repeating: "e", count: 201))])) == "eventName")
        #expect(field(["name": "n", "eventName": "E"]) == "field")
        #expect(field(with(["field": "traits..x"])) == "field")
    }

    @Test func traitPathDropsTheTraitsPrefix() throws {
        #expect(try trigger(field: "points_expire_at", daysBefore: 0).traitPath == ["points_expire_at"])
        #expect(try trigger(field: "traits.points_expire_at", daysBefore: 0).traitPath == ["points_expire_at"])
        #expect(try trigger(field: "traits.loyalty.points_expire_at", daysBefore: 0).traitPath == ["loyalty", "points_expire_at"])
        #expect(try trigger(field: "profile.traits.loyalty.points_expire_at", daysBefore: 0).traitPath == ["loyalty", "points_expire_at"])
        let nested = try trigger(field: "loyalty.points_expire_at", daysBefore: 0)
        #expect(nested.traitPath == ["loyalty", "points_expire_at"])
        #expect(nested.value(in: ["loyalty": ["points_expire_at": "2026-12-24"]]) == "2026-12-24")
        #expect(nested.value(in: ["loyalty": "flat"]) == nil)
        #expect(nested.field == "loyalty.points_expire_at")
    }

    // MARK: Dates

    @Test func datesFromTraits() throws {
        #expect(DateTriggerSchedule.date(in: "2026-12-24") == Date(timeIntervalSince1970: 1_798_070_400))
        #expect(DateTriggerSchedule.date(in: "2026-12-24T10:00:00Z") == Date(timeIntervalSince1970: 1_798_070_400 + 36_000))
        #expect(DateTriggerSchedule.date(in: "2026-12-24T10:00:00+02:00") == Date(timeIntervalSince1970: 1_798_070_400 + 28_800))
        #expect(DateTriggerSchedule.date(in: "2026-12-24T10:00:00.5-0130") == Date(timeIntervalSince1970: 1_798_070_400 + 36_000 + 5_400 + 0.5))
        for notADate: JSONValue? in [nil, .null, 1_798_070_400, true, "", "soon", "2026-02-30", "2026-12-24T10:00", "24/12/2026", ["2026-12-24"]] {
            #expect(DateTriggerSchedule.date(in: notADate) == nil)
        }
    }

    @Test func dueAtIsTheUTCDayLessDaysBeforeAtTheTime() throws {
        let seven = try trigger(daysBefore: 7)
        #expect(DateTriggerSchedule.dueAt(date: try date("2026-12-24"), trigger: seven) == (try date("2026-12-17T09:00:00Z")))
        // The time within the date's day does not matter, only its UTC day.
        #expect(DateTriggerSchedule.dueAt(date: try date("2026-12-24T23:59:59Z"), trigger: seven) == (try date("2026-12-17T09:00:00Z")))
        // An offset can move the date into another UTC day.
        #expect(DateTriggerSchedule.dueAt(date: try date("2026-12-24T01:00:00+02:00"), trigger: seven) == (try date("2026-12-16T09:00:00Z")))
        // Across a month, a year and a leap day.
        #expect(DateTriggerSchedule.dueAt(date: try date("2027-01-03"), trigger: seven) == (try date("2026-12-27T09:00:00Z")))
        #expect(DateTriggerSchedule.dueAt(date: try date("2028-03-01"), trigger: try trigger(daysBefore: 1, atTime: "23:30")) == (try date("2028-02-29T23:30:00Z")))
        // Zero days before at 00:00 is the very start of the day; before 1970 works too.
        #expect(DateTriggerSchedule.dueAt(date: try date("1969-12-31T12:00:00Z"), trigger: try trigger(daysBefore: 0, atTime: "00:00")) == (try date("1969-12-31")))
        // Hostile dates do not trap.
        let far = DateTriggerSchedule.dueAt(date: Date(timeIntervalSince1970: .greatestFiniteMagnitude), trigger: seven)
        #expect(!far.timeIntervalSince1970.isNaN)
        let nan = DateTriggerSchedule.dueAt(date: Date(timeIntervalSince1970: .nan), trigger: seven)
        #expect(!DateTriggerSchedule.shouldFire(dueAt: nan, date: Date(timeIntervalSince1970: .nan), now: now))
        _ = DateTriggerSchedule.dueAt(date: Date(timeIntervalSince1970: -.infinity), trigger: try trigger(daysBefore: 3_650))
    }

    @Test func shouldFireOnlyBetweenDueAndTheDate() throws {
        let birthday = try date("2026-12-24")
        let due = DateTriggerSchedule.dueAt(date: birthday, trigger: try trigger(daysBefore: 7))
        #expect(!DateTriggerSchedule.shouldFire(dueAt: due, date: birthday, now: due.addingTimeInterval(-1)))
        #expect(DateTriggerSchedule.shouldFire(dueAt: due, date: birthday, now: due))
        // After downtime the missed moment still fires while the date is ahead.
        #expect(DateTriggerSchedule.shouldFire(dueAt: due, date: birthday, now: birthday.addingTimeInterval(-1)))
        #expect(!DateTriggerSchedule.shouldFire(dueAt: due, date: birthday, now: birthday))
        #expect(!DateTriggerSchedule.shouldFire(dueAt: due, date: birthday, now: birthday.addingTimeInterval(Self.day)))
        // Zero days before at 09:00 on a bare date: the date (midnight) is already past at 09:00.
        let sameDay = DateTriggerSchedule.dueAt(date: birthday, trigger: try trigger(daysBefore: 0))
        #expect(!DateTriggerSchedule.shouldFire(dueAt: sameDay, date: birthday, now: sameDay))
        // With a time on the date, the same day's 09:00 fires.
        let noon = try date("2026-12-24T12:00:00Z")
        let noonDue = DateTriggerSchedule.dueAt(date: noon, trigger: try trigger(daysBefore: 0))
        #expect(DateTriggerSchedule.shouldFire(dueAt: noonDue, date: noon, now: noonDue))
    }

    @Test func eventIsATrackWithAStableMessageId() throws {
        let trigger = try trigger(field: "traits.points_expire_at", daysBefore: 7)
        let event = DateTriggerSchedule.event(trigger: trigger, userId: "u1", anonymousId: "a1", dateText: "2026-12-24", id: "evt_1", now: now)
        #expect(event.name == "Points Expiring")
        #expect(event.type == .track)
        #expect(event.sourceId == SystemEvents.sourceId)
        #expect(event.workspaceId == "ws_1")
        #expect(event.userId == "u1")
        #expect(event.anonymousId == "a1")
        #expect(event.receivedAt == now)
        #expect(event.messageId == "date-trigger-trg_1-u1-2026-12-24")
        #expect(event.message["messageId"] == "date-trigger-trg_1-u1-2026-12-24")
        #expect(event.message["event"] == "Points Expiring")
        #expect(event.message["userId"] == "u1")
        #expect(event.message["timestamp"] == .string(Timestamp.format(now)))
        #expect(event.message["properties"] == ["triggerId": "trg_1", "field": "traits.points_expire_at", "date": "2026-12-24", "daysBefore": 7])
        // The same (trigger, profile, date) gives the same messageId at any time; an anonymous profile goes by its anonymous id.
        #expect(DateTriggerSchedule.event(trigger: trigger, userId: "u1", anonymousId: nil, dateText: "2026-12-24", id: "evt_2", now: now.addingTimeInterval(60)).messageId == event.messageId)
        let anonymous = DateTriggerSchedule.event(trigger: trigger, userId: nil, anonymousId: "a1", dateText: "2026-12-24", id: "evt_3", now: now)
        #expect(anonymous.messageId == "date-trigger-trg_1-a1-2026-12-24")
        #expect(anonymous.message["userId"] == nil)
    }
}
