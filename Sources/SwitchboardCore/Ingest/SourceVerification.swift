/// How a source proves what it sends, as the API takes it: `{"type":"token","header","secret"}`,
/// `{"type":"basic","username","password"}`, `{"type":"hmac","algorithm","header","encoding",
/// "prefix"?,"secret","timestampHeader"?}` or `{"type":"standard-webhooks","secret":"whsec_..."}`.
public enum SourceVerification: Sendable, Equatable {
    case token(header: String, secret: String)
    case basic(username: String, password: String)
    case hmac(HMACSettings)
    case standardWebhooks(secret: String)

    public struct HMACSettings: Sendable, Equatable {
        public enum Algorithm: String, Sendable, CaseIterable { case sha256, sha1 }
        public enum Encoding: String, Sendable, CaseIterable { case hex, base64 }

        public var algorithm: Algorithm
        public var header: String
        public var encoding: Encoding
        /// Text before the signature in the header (`sha256=`).
        public var prefix: String?
        public var secret: String
        /// When set, the signed content is `timestamp.body` and old requests are refused.
        public var timestampHeader: String?
    }

    /// Parses settings from an API request; every error names its field (`verification.header`).
    public init(validating json: JSONValue) throws(ValidationError) {
        let fields = try Fields(json)
        guard let type = try fields.string("type"), let kind = VerificationType(rawValue: type) else {
            throw ValidationError(
                field: "verification.type", "verification.type is required: one of \(VerificationType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        switch kind {
        case .token:
            self = .token(header: try fields.headerName("header"), secret: try fields.secret("secret"))
        case .basic:
            let username = try fields.secret("username")
            guard !username.contains(":") else { throw ValidationError(field: "verification.username", "verification.username may not contain \":\"") }
            self = .basic(username: username, password: try fields.secret("password"))
        case .hmac:
            let timestampHeader = try fields.string("timestampHeader") == nil ? nil : try fields.headerName("timestampHeader")
            self = .hmac(
                HMACSettings(
                    algorithm: try fields.choice("algorithm", default: .sha256), header: try fields.headerName("header"),
                    encoding: try fields.choice("encoding", default: .hex), prefix: try fields.string("prefix").flatMap { $0.isEmpty ? nil : $0 },
                    secret: try fields.secret("secret"), timestampHeader: timestampHeader))
        case .standardWebhooks:
            let secret = try fields.secret("secret")
            guard WebhookSigner.isValidSecret(secret) else {
                throw ValidationError(field: "verification.secret", "verification.secret must be whsec_ followed by base64 of 16 to 128 bytes")
            }
            self = .standardWebhooks(secret: secret)
        }
    }

    /// Stored settings (validated when saved); nil when they no longer parse, which refuses every request.
    public init?(stored json: JSONValue) {
        guard let parsed = try? SourceVerification(validating: json) else { return nil }
        self = parsed
    }

    /// The settings as stored: known fields only, defaults written out.
    public var json: JSONValue {
        switch self {
        case .token(let header, let secret): ["type": "token", "header": .string(header), "secret": .string(secret)]
        case .basic(let username, let password): ["type": "basic", "username": .string(username), "password": .string(password)]
        case .standardWebhooks(let secret): ["type": "standard-webhooks", "secret": .string(secret)]
        case .hmac(let settings):
            .object(
                [
                    "type": "hmac", "algorithm": .string(settings.algorithm.rawValue), "header": .string(settings.header),
                    "encoding": .string(settings.encoding.rawValue), "secret": .string(settings.secret),
                ].merging(
                    [
                        "prefix": settings.prefix.map(JSONValue.string), "timestampHeader": settings.timestampHeader.map(JSONValue.string),
                    ].compactMapValues { $0 }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// The request's fields, read with errors that name them.
    private struct Fields {
        let values: [String: JSONValue]

        init(_ json: JSONValue) throws(ValidationError) {
            guard let object = json.objectValue else { throw ValidationError(field: "verification", "verification must be an object or null") }
            values = object
        }

        func string(_ key: String) throws(ValidationError) -> String? {
            switch values[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw ValidationError(field: "verification.\(key)", "verification.\(key) must be a string, not \(other.typeName)")
            }
        }

        func secret(_ key: String) throws(ValidationError) -> String {
            guard let text = try string(key), !text.isEmpty else { throw ValidationError(field: "verification.\(key)", "verification.\(key) is required") }
            guard text.utf8.count <= 1_000 else { throw ValidationError(field: "verification.\(key)", "verification.\(key) may be at most 1000 bytes") }
            return text
        }

        func headerName(_ key: String) throws(ValidationError) -> String {
            guard let name = try string(key), HeaderName.isValid(name) else {
                throw ValidationError(field: "verification.\(key)", "verification.\(key) is required: a header name such as X-Signature")
            }
            return name
        }

        func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice) throws(ValidationError) -> Choice
        where Choice.RawValue == String {
            guard let text = try string(key) else { return fallback }
            guard let choice = Choice(rawValue: text) else {
                throw ValidationError(field: "verification.\(key)", "verification.\(key) must be one of \(Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            return choice
        }
    }
}
