import Crypto
import Foundation
import SwitchboardCore
import Testing

/// Each verification type: a good request, a wrong secret, a missing header, an old timestamp
/// and a replayed id (the claim the check hands back for the replay store).
@Suite struct SourceVerificationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let body = Array(#"{"type":"CustomerRegistered","data":{}}"#.utf8)

    private func verification(_ json: JSONValue) throws -> SourceVerification {
        try SourceVerification(validating: json)
    }

    private func reason(_ result: Result<ReplayClaim?, VerificationFailure>) -> VerificationFailure.Reason? {
        if case .failure(let failure) = result { return failure.reason }
        return nil
    }

    private func hmacHex(_ secret: String, _ content: [UInt8]) -> String {
        Secrets.hex(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: Data(secret.utf8))))
    }

    @Test func tokenInItsHeaderOrAsBearer() throws {
        let token = try verification(["type": "token", "header": "X-Token", "secret": "s3cret"])
        #expect(try token.check(headers: ["x-token": "s3cret"], body: body, now: now).get() == nil)
        #expect(try token.check(headers: ["authorization": "Bearer s3cret"], body: body, now: now).get() == nil)
        #expect(reason(token.check(headers: ["x-token": "wrong"], body: body, now: now)) == .wrongCredential)
        #expect(reason(token.check(headers: ["authorization": "Bearer s3cre"], body: body, now: now)) == .wrongCredential)
        #expect(reason(token.check(headers: [:], body: body, now: now)) == .missingCredential)
    }

    @Test func basicChecksUserNameAndPassword() throws {
        let basic = try verification(["type": "basic", "username": "ol", "password": "pw"])
        func header(_ pair: String) -> [String: String] { ["authorization": "Basic " + Data(pair.utf8).base64EncodedString()] }
        #expect(try basic.check(headers: header("ol:pw"), body: body, now: now).get() == nil)
        #expect(reason(basic.check(headers: header("ol:nope"), body: body, now: now)) == .wrongCredential)
        #expect(reason(basic.check(headers: header("other:pw"), body: body, now: now)) == .wrongCredential)
        #expect(reason(basic.check(headers: ["authorization": "Bearer pw"], body: body, now: now)) == .missingCredential)
        #expect(reason(basic.check(headers: [:], body: body, now: now)) == .missingCredential)
    }

    @Test func hmacOverTheBodyInHexWithAPrefix() throws {
        let hmac = try verification(["type": "hmac", "header": "X-Signature", "prefix": "sha256=", "secret": "key"])
        let good = "sha256=" + hmacHex("key", body)
        #expect(try hmac.check(headers: ["x-signature": good], body: body, now: now).get() == nil)
        #expect(try hmac.check(headers: ["x-signature": good.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256=")], body: body, now: now).get() == nil)
        #expect(reason(hmac.check(headers: ["x-signature": "sha256=" + hmacHex("other", body)], body: body, now: now)) == .wrongCredential)
        #expect(reason(hmac.check(headers: ["x-signature": hmacHex("key", body)], body: body, now: now)) == .wrongCredential)
        #expect(reason(hmac.check(headers: ["x-signature": good], body: body + [0x20], now: now)) == .wrongCredential)
        #expect(reason(hmac.check(headers: [:], body: body, now: now)) == .missingCredential)
    }

    @Test func hmacSHA1InBase64() throws {
        let hmac = try verification(["type": "hmac", "algorithm": "sha1", "header": "X-Sig", "encoding": "base64", "secret": "key"])
        let signature = Data(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: SymmetricKey(data: Data("key".utf8)))).base64EncodedString()
        #expect(try hmac.check(headers: ["x-sig": signature], body: body, now: now).get() == nil)
        #expect(reason(hmac.check(headers: ["x-sig": "AAAA" + signature.dropFirst(4)], body: body, now: now)) == .wrongCredential)
    }

    @Test func hmacWithATimestampSignsTimestampDotBodyAndRefusesOldRequests() throws {
        let hmac = try verification(["type": "hmac", "header": "X-Signature", "secret": "key", "timestampHeader": "X-Timestamp"])
        func signed(_ seconds: Int) -> [String: String] {
            ["x-timestamp": String(seconds), "x-signature": hmacHex("key", Array("\(seconds).".utf8) + body)]
        }
        let claim = try #require(try hmac.check(headers: signed(1_800_000_000), body: body, now: now).get())
        #expect(claim.expiresAt == Date(timeIntervalSince1970: 1_800_000_301))
        // The same request again makes the same claim: the replay store refuses the second one.
        #expect(try hmac.check(headers: signed(1_800_000_000), body: body, now: now.addingTimeInterval(10)).get() == claim)
        #expect(try hmac.check(headers: signed(1_800_000_000 - 299), body: body, now: now).get() != nil)
        #expect(reason(hmac.check(headers: signed(1_800_000_000 - 301), body: body, now: now)) == .staleTimestamp)
        #expect(reason(hmac.check(headers: signed(1_800_000_000 + 301), body: body, now: now)) == .staleTimestamp)
        #expect(reason(hmac.check(headers: ["x-signature": signed(1_800_000_000)["x-signature"] ?? ""], body: body, now: now)) == .missingCredential)
        #expect(reason(hmac.check(headers: ["x-timestamp": "99999999999999999999", "x-signature": "00"], body: body, now: now)) == .staleTimestamp)
        // The signature covers the timestamp: a fresh timestamp on an old signature fails.
        var moved = signed(1_800_000_000 - 400)
        moved["x-timestamp"] = "1800000000"
        #expect(reason(hmac.check(headers: moved, body: body, now: now)) == .wrongCredential)
    }

    @Test func standardWebhooksWithSeveralSignatures() throws {
        let secret = "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()
        let other = "whsec_" + Data(repeating: 9, count: 24).base64EncodedString()
        let check = try verification(["type": "standard-webhooks", "secret": .string(secret)])
        func headers(id: String = "msg_1", at seconds: Int = 1_800_000_000, secrets: [String]) -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: WebhookSigner.headers(
                    scheme: .standardWebhooks, secrets: secrets, messageId: id, timestamp: Date(timeIntervalSince1970: Double(seconds)), body: body))
        }
        let claim = try #require(try check.check(headers: headers(secrets: [secret]), body: body, now: now).get())
        #expect(claim.id == "webhook-id:msg_1")
        #expect(try check.check(headers: headers(secrets: [other, secret]), body: body, now: now).get() == claim)
        #expect(reason(check.check(headers: headers(secrets: [other]), body: body, now: now)) == .wrongCredential)
        #expect(reason(check.check(headers: headers(at: 1_799_999_000, secrets: [secret]), body: body, now: now)) == .staleTimestamp)
        var missing = headers(secrets: [secret])
        missing["webhook-id"] = nil
        #expect(reason(check.check(headers: missing, body: body, now: now)) == .missingCredential)
        // Another id signed alike is another claim; the same id again is the same claim (a replay).
        #expect(try check.check(headers: headers(id: "msg_2", secrets: [secret]), body: body, now: now).get()?.id == "webhook-id:msg_2")
    }

    @Test func settingsAreValidatedWithTheFieldNamed() {
        func field(_ json: JSONValue) -> String? {
            do {
                _ = try SourceVerification(validating: json)
                return nil
            } catch { return error.field }
        }
        #expect(field(["type": "magic"]) == "verification.type")
        #expect(field(["type": "token", "secret": "s"]) == "verification.header")
        #expect(field(["type": "token", "header": "X-Token"]) == "verification.secret")
        #expect(field(["type": "basic", "username": "u"]) == "verification.password")
        #expect(field(["type": "hmac", "header": "X-Sig", "secret": "s", "algorithm": "md5"]) == "verification.algorithm")
        #expect(field(["type": "hmac", "header": "X-Sig", "secret": "s", "encoding": "base32"]) == "verification.encoding")
        #expect(field(["type": "hmac", "header": "bad header", "secret": "s"]) == "verification.header")
        #expect(field(["type": "standard-webhooks", "secret": "not-whsec"]) == "verification.secret")
        #expect(field(["type": "token", "header": "X-Token", "secret": 5]) == "verification.secret")
        // Defaults are written out, unknown fields dropped.
        let stored = (try? SourceVerification(validating: ["type": "hmac", "header": "X-Sig", "secret": "s", "extra": "x"]))?.json
        #expect(stored == ["type": "hmac", "algorithm": "sha256", "header": "X-Sig", "encoding": "hex", "secret": "s"])
    }

    @Test func constantTimeComparisons() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(ConstantTime.equalSecrets("abc", "abc"))
        #expect(!ConstantTime.equalSecrets("abc", "abd"))
        #expect(ConstantTime.hexBytes("0aFF") == [0x0A, 0xFF])
        #expect(ConstantTime.hexBytes("0g") == nil)
        #expect(ConstantTime.hexBytes("abc") == nil)
    }
}
