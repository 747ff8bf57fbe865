import Crypto
import Foundation

/// How requests to a destination are signed.
public enum SigningScheme: String, Sendable, CaseIterable {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256("id.timestamp.body")>`.
    case standardWebhooks = "standard-webhooks"
    /// Segment's `X-Signature`: hex HMAC-SHA1 of the body.
    case segmentHMACSHA1 = "segment-hmac-sha1"
    case none
}

/// Signs webhook requests; pure, so the test vectors of the specs apply directly.
public enum WebhookSigner {
    /// A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    /// Whether a given secret can be used: `whsec_` and base64 of at least 16 bytes.
    public static func isValidSecret(_ secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
        return key.count >= 16 && key.count <= 128
    }

    /// The headers that sign `body`; every secret given signs (the old one too during rotation).
    public static func headers(
        scheme: SigningScheme, secrets: [String], messageId: String, timestamp: Date, body: [UInt8]
    ) -> [(String, String)] {
        let seconds = String(Int64(flooringSaturating: timestamp.timeIntervalSince1970) ?? 0)
        switch scheme {
        case .none:
            return [("webhook-id", messageId), ("webhook-timestamp", seconds)]
        case .standardWebhooks:
            let signatures = secrets.map { "v1," + standardSignature(secret: $0, messageId: messageId, timestamp: seconds, body: body) }
            return [("webhook-id", messageId), ("webhook-timestamp", seconds), ("webhook-signature", signatures.joined(separator: " "))]
        case .segmentHMACSHA1:
            let signature = secrets.first.map { secret in
                Secrets.hex(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
            }
            return [("webhook-id", messageId), ("webhook-timestamp", seconds)] + (signature.map { [("X-Signature", $0)] } ?? [])
        }
    }

    /// base64(HMAC-SHA256(key: base64-decoded secret, "id.timestamp.body")).
    public static func standardSignature(secret: String, messageId: String, timestamp: String, body: [UInt8]) -> String {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        let key = SymmetricKey(data: Data(base64Encoded: encoded) ?? Data(secret.utf8))
        var content = Array("\(messageId).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
    }
}
