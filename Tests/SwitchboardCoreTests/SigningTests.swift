import Foundation
import SwitchboardCore
import Testing

@Suite struct SigningTests {
    /// The test vector published with the Standard Webhooks specification.
    @Test func standardWebhooksTestVector() {
        let signature = WebhookSigner.standardSignature(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", messageId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: "1614265330", body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func rotationSignsWithBothSecrets() {
        let headers = WebhookSigner.headers(
            scheme: .standardWebhooks, secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookSigner.newSecret()],
            messageId: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330),
            body: Array(#"{"test": 2432232314}"#.utf8))
        let signature = headers.first { $0.0 == "webhook-signature" }?.1 ?? ""
        let parts = signature.split(separator: " ")
        #expect(parts.count == 2)
        #expect(parts[0] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(headers.contains { $0 == ("webhook-timestamp", "1614265330") })
    }

    @Test func segmentSignatureIsHexHMACSHA1OfTheBody() {
        let headers = WebhookSigner.headers(
            scheme: .segmentHMACSHA1, secrets: ["key"], messageId: "m", timestamp: Date(timeIntervalSince1970: 0),
            body: Array("The quick brown fox jumps over the lazy dog".utf8))
        // RFC 2104 example value for HMAC-SHA1("key", ...).
        #expect(headers.first { $0.0 == "X-Signature" }?.1 == "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")
    }

    @Test func newSecretsAreValid() {
        let secret = WebhookSigner.newSecret()
        #expect(secret.hasPrefix("whsec_"))
        #expect(WebhookSigner.isValidSecret(secret))
        #expect(!WebhookSigner.isValidSecret("whsec_short"))
        #expect(!WebhookSigner.isValidSecret("plain"))
    }
}

@Suite struct BodyFormatTests {
    @Test(arguments: [
        ("AvailablePointsAmountChanged", "account.available_points_amount_changed"), ("CustomerRegistered", "customer.registered"),
        ("CustomerUpdated", "customer.updated"), ("CustomerDeactivated", "customer.deactivated"), ("CustomerLevelChanged", "customer.level_changed"),
        ("TransactionRegistered", "transaction.registered"), ("TransactionAssignedToCustomer", "transaction.assigned_to_customer"),
        ("PointsWillExpire", "points.will_expire"), ("CouponWillExpire", "coupon.will_expire"), ("Single", "single"),
    ])
    func openLoyaltyLegacyNames(name: String, legacy: String) {
        #expect(OpenLoyaltyNames.legacyType(name) == legacy)
    }
}
