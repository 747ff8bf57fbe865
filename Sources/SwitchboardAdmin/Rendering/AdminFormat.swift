import Foundation
import Hummingbird
import SwitchboardCore

/// How values read on a page: times in UTC with the machine form for `<time>`, statuses as words.
enum AdminFormat {
    /// `{iso, text}` for `<time datetime="{{iso}}" title="{{text}}">`.
    static func time(_ date: Date) -> [String: String] {
        ["iso": Timestamp.format(date), "text": text(date)]
    }

    /// `2026-11-30 15:04:05 UTC`.
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + " UTC"
    }

    /// The value of a `datetime-local` input, read as UTC.
    static func localInput(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// A `datetime-local` value (`2026-11-30T15:04`, seconds optional) as RFC 3339 UTC; nil when it is not one.
    static func rfc3339(fromLocalInput text: String) -> String? {
        let parts = text.split(separator: "T")
        guard parts.count == 2 else { return nil }
        let clock = parts[1].split(separator: ":").count == 2 ? parts[1] + ":00" : parts[1]
        return "\(parts[0])T\(clock)Z"
    }

    /// A `datetime-local` value as a date (UTC); nil when it is not one.
    static func date(fromLocalInput text: String?) -> Date? {
        guard let text, let rfc = rfc3339(fromLocalInput: text) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: rfc)
    }

    /// `200 OK`, `401 Unauthorized`: the code and its reason, as Braze's activity log shows them.
    static func status(_ code: Int) -> String {
        StatusText.describe(code)
    }

    /// `97.5%`, or a dash when there is nothing to rate.
    static func rate(succeeded: Int, failed: Int) -> String {
        let total = succeeded.addingReportingOverflow(failed)
        guard !total.overflow, total.partialValue > 0 else { return "—" }
        return String(format: "%.1f%%", Double(succeeded) * 100 / Double(total.partialValue))
    }

    /// `3 min`, `2 h`: how long ago, roughly.
    static func age(_ seconds: TimeInterval) -> String {
        // NaN would match no case and reach an integer conversion that traps.
        let seconds = seconds.isNaN ? 0 : seconds
        return switch seconds {
        case ..<60: "\(Int(max(0, seconds))) s"
        case ..<3600: "\(Int(seconds / 60)) min"
        case ..<172_800: "\(Int(seconds / 3600)) h"
        default: "\(Int(min(seconds / 86400, 1e9))) days"
        }
    }

    /// Delivery statuses as words, with a class for the colour that only repeats them.
    static func deliveryStatus(_ status: DeliveryStatus) -> (text: String, style: String) {
        switch status {
        case .pending: ("Pending", "wait")
        case .succeeded: ("Delivered", "on")
        case .failed: ("Failed", "off")
        case .cancelled: ("Cancelled", "wait")
        }
    }

    static func lastResponse(_ delivery: Delivery) -> String {
        guard let last = delivery.attempts.last else { return "not attempted" }
        if let code = last.responseStatus { return status(code) }
        return last.error.map { "no response (\($0.rawValue))" } ?? "no response"
    }
}
