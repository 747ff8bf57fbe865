import Foundation
import SwitchboardCore
import Testing

@Suite struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = RetryPolicy()

    private func delay(_ decision: DeliveryDecision) -> TimeInterval? {
        if case .retry(let at) = decision { return at.timeIntervalSince(now) }
        return nil
    }

    @Test func successIsAny2xx() {
        for status in [200, 201, 204, 299] {
            #expect(policy.decide(after: .response(status: status, retryAfter: nil), attemptNumber: 1, now: now, random: 0.5) == .succeeded)
        }
    }

    @Test(arguments: [408, 429, 500, 502, 503, 599])
    func retryableStatusesFollowTheSchedule(status: Int) {
        for (index, seconds) in RetryPolicy.defaultSchedule.enumerated() {
            let decision = policy.decide(after: .response(status: status, retryAfter: nil), attemptNumber: index + 1, now: now, random: 0.5)
            #expect(delay(decision) == TimeInterval(seconds))
        }
        let last = policy.decide(after: .response(status: status, retryAfter: nil), attemptNumber: 8, now: now, random: 0.5)
        #expect(last == .failed)
    }

    @Test func jitterStaysWithin20Percent() {
        let low = delay(policy.decide(after: .failure(.timeout), attemptNumber: 2, now: now, random: 0))
        let high = delay(policy.decide(after: .failure(.timeout), attemptNumber: 2, now: now, random: 1))
        #expect(low == 240)
        #expect(high == 360)
    }

    @Test(arguments: [400, 401, 403, 404, 422, 301, 302, 304])
    func otherClientErrorsAndRedirectsFailAtOnce(status: Int) {
        #expect(policy.decide(after: .response(status: status, retryAfter: nil), attemptNumber: 1, now: now, random: 0.5) == .failed)
    }

    @Test func goneDisablesTheDestination() {
        #expect(policy.decide(after: .response(status: 410, retryAfter: nil), attemptNumber: 1, now: now, random: 0.5) == .failedAndDisableDestination)
    }

    @Test(arguments: [DeliveryErrorKind.timeout, .connection, .dns, .tls, .other])
    func networkErrorsRetry(kind: DeliveryErrorKind) {
        #expect(delay(policy.decide(after: .failure(kind), attemptNumber: 1, now: now, random: 0.5)) == 5)
    }

    @Test func refusedAddressesAndRedirectsDoNotRetry() {
        #expect(policy.decide(after: .failure(.refusedAddress), attemptNumber: 1, now: now, random: 0.5) == .failed)
        #expect(policy.decide(after: .failure(.redirect), attemptNumber: 1, now: now, random: 0.5) == .failed)
    }

    @Test func retryAfterIsHonouredAndBounded() {
        #expect(delay(policy.decide(after: .response(status: 429, retryAfter: 42), attemptNumber: 1, now: now, random: 0.5)) == 42)
        #expect(delay(policy.decide(after: .response(status: 503, retryAfter: 1e9), attemptNumber: 1, now: now, random: 0.5)) == 86_400)
        #expect(RetryPolicy.parseRetryAfter("120", now: now) == 120)
        #expect(RetryPolicy.parseRetryAfter("Fri, 15 Jan 2027 08:02:00 GMT", now: now) == 120)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
    }

    @Test func perDestinationSchedules() {
        let custom = RetryPolicy(schedule: [1, 2], jitter: 0)
        #expect(delay(custom.decide(after: .failure(.timeout), attemptNumber: 2, now: now, random: 0.9)) == 2)
        #expect(custom.decide(after: .failure(.timeout), attemptNumber: 3, now: now, random: 0.9) == .failed)
    }
}
