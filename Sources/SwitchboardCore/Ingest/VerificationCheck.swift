import Crypto
import Foundation

/// Why a request was refused: a reason tests and metrics can tell apart, and a message for the
/// sender that names what was missing or wrong, never a secret or the expected value.
public struct VerificationFailure: Error, Equatable, Sendable {
    public enum Reason: String, Sendable {
        case missingCredential = "missing_credential"
        case wrongCredential = "wrong_credential"
        case staleTimestamp = "stale_timestamp"
        case replayed
        case misconfigured
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// What a request that passed must still claim once: an id no second request may reuse while its
/// timestamp is acceptable (a replay store keeps it until `expiresAt`).
public struct ReplayClaim: Equatable, Sendable {
    public var id: String
    public var expiresAt: Date
}

extension SourceVerification {
    /// How far a signed timestamp may be from now, either way (Standard Webhooks' five minutes).
    public static let tolerance: Int64 = 300

    /// Checks one request: headers by lower-case name, the body bytes as received, the time now.
    /// Pure: the replay claim it returns is for the caller to record before storing anything.
    public func check(headers: [String: String], body: [UInt8], now: Date) -> Result<ReplayClaim?, VerificationFailure> {
        switch self {
        case .token(let header, let secret): checkToken(header: header, secret: secret, headers).map { nil }
        case .basic(let username, let password): checkBasic(username: username, password: password, headers).map { nil }
        case .hmac(let settings): settings.check(headers: headers, body: body, now: now)
        case .standardWebhooks(let secret): Self.checkStandardWebhooks(secret: secret, headers: headers, body: body, now: now)
        }
    }

    private func checkToken(header: String, secret: String, _ headers: [String: String]) -> Result<Void, VerificationFailure> {
        let given = headers[header.lowercased()]
        let bearer = headers["authorization"].flatMap(Self.bearerToken)
        guard given != nil || bearer != nil else {
            return .failure(VerificationFailure(.missingCredential, "the \(header) header (or Authorization: Bearer) is missing"))
        }
        // Both are compared whenever present, so the time taken does not tell which one matched.
        let headerMatches = given.map { ConstantTime.equalSecrets($0, secret) } ?? false
        let bearerMatches = bearer.map { ConstantTime.equalSecrets($0, secret) } ?? false
        return headerMatches || bearerMatches ? .success(()) : .failure(VerificationFailure(.wrongCredential, "the \(header) token is not valid"))
    }

    private func checkBasic(username: String, password: String, _ headers: [String: String]) -> Result<Void, VerificationFailure> {
        guard let header = headers["authorization"], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else {
            return .failure(VerificationFailure(.missingCredential, "HTTP Basic credentials (Authorization: Basic) are missing"))
        }
        let userMatches = ConstantTime.equalSecrets(String(pair[..<colon]), username)
        let passwordMatches = ConstantTime.equalSecrets(String(pair[pair.index(after: colon)...]), password)
        return userMatches && passwordMatches ? .success(()) : .failure(VerificationFailure(.wrongCredential, "the HTTP Basic user name or password is not valid"))
    }

    static func bearerToken(_ header: String) -> String? {
        guard header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> [v1,<base64> ...]`.
    private static func checkStandardWebhooks(secret: String, headers: [String: String], body: [UInt8], now: Date) -> Result<ReplayClaim?, VerificationFailure> {
        guard let id = headers["webhook-id"], !id.isEmpty, let timestampText = headers["webhook-timestamp"], let signatures = headers["webhook-signature"] else {
            return .failure(VerificationFailure(.missingCredential, "the webhook-id, webhook-timestamp and webhook-signature headers are required"))
        }
        let timestamp: Int64
        switch Self.timestamp(timestampText, now: now, header: "webhook-timestamp") {
        case .success(let seconds): timestamp = seconds
        case .failure(let failure): return .failure(failure)
        }
        let expected = Array(WebhookSigner.standardSignature(secret: secret, messageId: id, timestamp: timestampText, body: body).utf8)
        var matched = false
        for candidate in signatures.split(separator: " ") where candidate.hasPrefix("v1,") {
            if ConstantTime.equals(Array(candidate.dropFirst(3).utf8), expected) { matched = true }
        }
        guard matched else { return .failure(VerificationFailure(.wrongCredential, "no webhook-signature matches the body")) }
        return .success(ReplayClaim(id: "webhook-id:" + Self.boundedId(id), expiresAt: Self.claimExpiry(timestamp)))
    }

    /// A signed timestamp (Unix seconds) within the tolerance of now, either way.
    static func timestamp(_ text: String, now: Date, header: String) -> Result<Int64, VerificationFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // At most 12 digits: far past any date, and the arithmetic below cannot overflow.
        guard !trimmed.isEmpty, trimmed.utf8.count <= 12, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let seconds = Int64(trimmed)
        else {
            return .failure(VerificationFailure(.staleTimestamp, "the \(header) header must be Unix seconds"))
        }
        let nowSeconds = Int64(flooringSaturating: now.timeIntervalSince1970) ?? 0
        let (difference, overflow) = nowSeconds.subtractingReportingOverflow(seconds)
        guard !overflow, difference.magnitude <= tolerance else {
            return .failure(VerificationFailure(.staleTimestamp, "the \(header) header is more than \(tolerance) seconds from now; the request is refused as old"))
        }
        return .success(seconds)
    }

    /// The claim is kept as long as its timestamp would pass the check, and a second more.
    static func claimExpiry(_ timestamp: Int64) -> Date {
        Date(timeIntervalSince1970: Double(timestamp + tolerance + 1))
    }

    /// A sender's id as a bounded key: long ids are kept as their SHA-256.
    static func boundedId(_ id: String) -> String {
        id.utf8.count <= 200 ? id : Secrets.hex(SHA256.hash(data: Data(id.utf8)))
    }
}

extension SourceVerification.HMACSettings {
    func check(headers: [String: String], body: [UInt8], now: Date) -> Result<ReplayClaim?, VerificationFailure> {
        guard var signature = headers[header.lowercased()]?.trimmingCharacters(in: .whitespaces), !signature.isEmpty else {
            return .failure(VerificationFailure(.missingCredential, "the \(header) signature header is missing"))
        }
        var content = body
        var timestamp: Int64?
        if let timestampHeader {
            guard let text = headers[timestampHeader.lowercased()] else {
                return .failure(VerificationFailure(.missingCredential, "the \(timestampHeader) timestamp header is missing"))
            }
            switch SourceVerification.timestamp(text, now: now, header: timestampHeader) {
            case .success(let seconds): timestamp = seconds
            case .failure(let failure): return .failure(failure)
            }
            content = Array((text.trimmingCharacters(in: .whitespaces) + ".").utf8) + body
        }
        if let prefix {
            guard signature.hasPrefix(prefix) else { return .failure(VerificationFailure(.wrongCredential, "the \(header) signature must start with \(prefix)")) }
            signature.removeFirst(prefix.count)
        }
        let given = encoding == .hex ? ConstantTime.hexBytes(signature) : Data(base64Encoded: signature).map(Array.init)
        let expected = mac(content)
        guard let given, ConstantTime.equals(given, expected) else {
            return .failure(VerificationFailure(.wrongCredential, "the \(header) signature does not match the body"))
        }
        // Only a timestamped signature can be remembered for a bounded time: the signature is its id.
        return .success(timestamp.map { ReplayClaim(id: "hmac:" + Secrets.hex(expected), expiresAt: SourceVerification.claimExpiry($0)) })
    }

    private func mac(_ content: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: Data(secret.utf8))
        switch algorithm {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: content, using: key))
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: content, using: key))
        }
    }
}
