import Foundation

/// What happened on one attempt.
public enum AttemptOutcome: Sendable, Equatable {
    case response(status: Int, retryAfter: TimeInterval?)
    case failure(DeliveryErrorKind)
}

/// Why an attempt got no usable response; safe for logs and labels (no payload).
public enum DeliveryErrorKind: String, Sendable, CaseIterable {
    case timeout, connection, dns, tls
    case refusedAddress = "refused_address"
    case redirect, other
    /// The delivery was leased again and again without an attempt ever being recorded: its
    /// send is taken to stop the process, so it is set aside rather than tried forever.
    case crashed
}

/// What to do with a delivery after an attempt.
public enum DeliveryDecision: Sendable, Equatable {
    case succeeded
    case retry(at: Date)
    /// Retries exhausted or a permanent error.
    case failed
    /// 410 Gone: fail this delivery and disable the destination.
    case failedAndDisableDestination
}

/// The retry rules of DESIGN.md section 4, pure and clock-free: the caller passes `now` and
/// a jitter source, so every rule is tested without waiting.
public struct RetryPolicy: Sendable, Equatable {
    /// Default delays after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    public static let defaultSchedule: [Int] = [5, 300, 1800, 7200, 18000, 36000, 36000]
    /// The longest `Retry-After` honoured; anything longer waits this long.
    public static let maximumRetryAfter: TimeInterval = 86_400

    /// Delays in seconds before the 2nd, 3rd, ... attempt.
    public var schedule: [Int]
    /// Relative spread of each delay (0.2 is ±20%).
    public var jitter: Double

    public init(schedule: [Int] = RetryPolicy.defaultSchedule, jitter: Double = 0.2) {
        self.schedule = schedule
        self.jitter = jitter
    }

    /// - Parameters:
    ///   - attemptNumber: 1 for the first attempt.
    ///   - random: a number in 0...1 for the jitter.
    public func decide(after outcome: AttemptOutcome, attemptNumber: Int, now: Date, random: Double) -> DeliveryDecision {
        let retryAfter: TimeInterval?
        switch outcome {
        case .response(let status, let after):
            switch status {
            case 200..<300: return .succeeded
            case 410: return .failedAndDisableDestination
            case 408, 429, 500...599: retryAfter = after
            default: return .failed  // other 4xx, 3xx (redirects are not followed), 1xx
            }
        case .failure(.refusedAddress), .failure(.redirect):
            return .failed
        case .failure:
            retryAfter = nil
        }
        guard attemptNumber >= 1, attemptNumber <= schedule.count else { return .failed }
        let base = Double(schedule[attemptNumber - 1])
        var delay = base * (1 + jitter * (2 * min(max(random, 0), 1) - 1))
        if let retryAfter { delay = min(max(retryAfter, 0), Self.maximumRetryAfter) }
        // NaN passes through min and max, and a NaN date traps where storage turns it into milliseconds.
        if delay.isNaN { delay = base }
        return .retry(at: now.addingTimeInterval(delay))
    }

    /// `Retry-After` as seconds: a number of seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return TimeInterval(max(0, seconds)) }
        // Digits too many for Int still ask for a long wait: the longest one honoured.
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return maximumRetryAfter }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSince(now)) }
    }
}
