import Foundation

/// A request ready to send.
public struct RenderedRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// Sets a header, replacing any of the same name (case-insensitively); line breaks are dropped.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.equalsIgnoringASCIICase(name) }
        // Scanning bytes first: almost no value has a break, and filtering scalars costs a copy.
        let hasBreak = value.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
        headers.append((name, hasBreak ? String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }) : value))
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringASCIICase(name) }?.1
    }

    public static func == (left: RenderedRequest, right: RenderedRequest) -> Bool {
        left.method == right.method && left.url == right.url && left.body == right.body
            && left.headers.map { "\($0.0): \($0.1)" } == right.headers.map { "\($0.0): \($0.1)" }
    }
}

/// Renders what a subscription sends for an event: URL, method, headers and body from the
/// mapping's templates or the body format, then the signature headers.
public enum RequestRenderer {
    /// What conditions see: the event's fields plus `profile`.
    public static func conditionDocument(event: Event, profile: JSONValue?) -> JSONValue {
        guard case .object(var fields) = event.document else { return event.document }
        fields["profile"] = profile ?? .null
        return .object(fields)
    }

    /// What templates see: the event's fields, `message` (the whole event), `profile` and `destination` (no secrets).
    public static func templateScope(event: Event, destination: Destination, profile: JSONValue?) -> JSONValue {
        let document = event.document
        guard case .object(var fields) = document else { return document }
        fields["message"] = document
        fields["profile"] = profile ?? .null
        fields["destination"] = ["name": .string(destination.name), "url": .string(destination.url)]
        return .object(fields)
    }

    /// The largest request a delivery may send, in bytes: URL, header names and values, and body
    /// together (1 MiB). Rendering stops as soon as it is passed, before the rest is built; such a
    /// delivery fails at once, without retries, and preview answers 422.
    public static let maximumRequestBytes = 1_048_576

    /// What the error of a request over `maximumRequestBytes` says, in the activity log and in preview.
    public static let tooLargeMessage =
        "not sent: the rendered request (URL, headers and body) is over the \(maximumRequestBytes)-byte limit; shorten the mapping or what it copies from the event"

    /// The unsigned request for one delivery.
    public static func render(
        event: Event, subscription: Subscription, destination: Destination, profile: JSONValue? = nil
    ) throws(ValidationError) -> RenderedRequest {
        var budget = RenderBudget(maximumRequestBytes)
        do {
            let scope = templateScope(event: event, destination: destination, profile: profile)
            var request = try head(scope: scope, subscription: subscription, destination: destination, budget: &budget)
            request.body = JSONCoding.bytes(try body(event: event, scope: scope, subscription: subscription, budget: &budget))
            return try checked(request)
        } catch {
            throw ValidationError(field: nil, tooLargeMessage)
        }
    }

    /// One request for several events of one subscription: the first event's URL, method and
    /// headers, and the bodies as a JSON array (Segment's batching); one event sends as itself.
    /// The limit holds for the whole request, as the receiver gets it.
    public static func render(
        events: [Event], subscription: Subscription, destination: Destination, profile: JSONValue? = nil
    ) throws(ValidationError) -> RenderedRequest {
        try renderBatch(events: events, subscription: subscription, destination: destination, profile: profile).request
    }

    /// One request for a batch, and how many of the events (from the first) it carries: all of
    /// them, unless the destination merges bodies (`BodyMerger`) and the rest must wait for the next request.
    public static func renderBatch(
        events: [Event], subscription: Subscription, destination: Destination, profile: JSONValue? = nil
    ) throws(ValidationError) -> (request: RenderedRequest, taken: Int) {
        guard let first = events.first else {
            return (RenderedRequest(method: destination.method.rawValue, url: destination.url, headers: [], body: Array("[]".utf8)), 0)
        }
        guard let batching = destination.batching else {
            return (try render(event: first, subscription: subscription, destination: destination, profile: profile), 1)
        }
        var budget = RenderBudget(maximumRequestBytes)
        do {
            var request = try head(
                scope: templateScope(event: first, destination: destination, profile: profile), subscription: subscription, destination: destination,
                budget: &budget)
            var bodies: [JSONValue] = []
            for event in events {
                let scope = templateScope(event: event, destination: destination, profile: profile)
                bodies.append(try body(event: event, scope: scope, subscription: subscription, budget: &budget))
            }
            switch batching.combine {
            case .array:
                request.body = JSONCoding.bytes(.array(bodies))
                return (try checked(request), events.count)
            case .merge:
                let merged = BodyMerger.merge(bodies, maximumItems: batching.maxSize)
                request.body = JSONCoding.bytes(merged.body)
                return (try checked(request), merged.taken)
            }
        } catch {
            throw ValidationError(field: nil, tooLargeMessage)
        }
    }

    /// URL, method and headers from the mapping, or the destination's.
    private static func head(
        scope: JSONValue, subscription: Subscription, destination: Destination, budget: inout RenderBudget
    ) throws(RenderBudget.Exceeded) -> RenderedRequest {
        let mapping = subscription.mapping
        var url = destination.url
        if let template = mapping?.url { url = try template.renderText(scope, percentEncoding: true, budget: &budget) }
        // A method is a short word: text longer than any method is no method, whatever it holds.
        var methodBudget = RenderBudget(16)
        let method = mapping?.method.flatMap { (try? $0.renderText(scope, budget: &methodBudget)).flatMap { HTTPMethodName(rawValue: $0.uppercased()) } }
        // Defaults, then the destination's headers, then the subscription's: the more specific wins.
        var request = RenderedRequest(method: (method ?? destination.method).rawValue, url: url, headers: [], body: [])
        request.setHeader("Content-Type", "application/json")
        request.setHeader("User-Agent", "Switchboard/1.0")
        for (name, value) in destination.headers.sorted(by: { $0.key < $1.key }) { request.setHeader(name, value) }
        for (name, template) in (mapping?.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            try budget.spend(name.utf8.count)
            let value = try template.renderText(scope, budget: &budget)
            request.setHeader(name, value)
        }
        return request
    }

    /// The body of one event: the mapping's body template, else the subscription's format.
    private static func body(
        event: Event, scope: JSONValue, subscription: Subscription, budget: inout RenderBudget
    ) throws(RenderBudget.Exceeded) -> JSONValue {
        if let template = subscription.mapping?.body { return try template.render(scope, budget: &budget) }
        let body = formattedBody(event: event, format: subscription.format)
        try budget.spend(json: body)
        return body
    }

    /// The request, unless its exact size (escapes, static headers and all) is over the limit.
    private static func checked(_ request: RenderedRequest) throws(RenderBudget.Exceeded) -> RenderedRequest {
        let size = request.url.utf8.count + request.headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count } + request.body.count
        guard size <= maximumRequestBytes else { throw RenderBudget.Exceeded() }
        return request
    }

    /// The request with the signature headers for this attempt.
    public static func sign(_ request: RenderedRequest, destination: Destination, deliveryId: String, at now: Date) -> RenderedRequest {
        var signed = request
        let signature = WebhookSigner.headers(
            scheme: destination.signing, secrets: destination.signingSecrets(at: now), messageId: deliveryId, timestamp: now, body: request.body)
        for (name, value) in signature { signed.setHeader(name, value) }
        return signed
    }

    /// Shown instead of a signature to a key that may not read the signing secret.
    public static let hiddenSignature = "<signature hidden: needs editor role>"

    /// A delivery's request (a batch for a batching destination), rendered and signed: exactly as the receiver gets it.
    public static func signedRequest(
        events: [Event], subscription: Subscription, destination: Destination, deliveryId: String, at now: Date, profile: JSONValue? = nil
    ) throws(ValidationError) -> RenderedRequest {
        try signedBatch(events: events, subscription: subscription, destination: destination, deliveryId: deliveryId, at: now, profile: profile).request
    }

    /// As `signedRequest(events:...)`, with how many of the events the request carries (see `renderBatch`).
    public static func signedBatch(
        events: [Event], subscription: Subscription, destination: Destination, deliveryId: String, at now: Date, profile: JSONValue? = nil
    ) throws(ValidationError) -> (request: RenderedRequest, taken: Int) {
        let batch = try renderBatch(events: events, subscription: subscription, destination: destination, profile: profile)
        return (sign(batch.request, destination: destination, deliveryId: deliveryId, at: now), batch.taken)
    }

    /// One event's request (tests and previews), rendered and signed; without `revealSignature`,
    /// a placeholder stands where the signature goes (previews for keys that may not read the secret).
    public static func signedRequest(
        event: Event, subscription: Subscription, destination: Destination, deliveryId: String, at now: Date, revealSignature: Bool = true,
        profile: JSONValue? = nil
    ) throws(ValidationError) -> RenderedRequest {
        let request = try render(event: event, subscription: subscription, destination: destination, profile: profile)
        return revealSignature
            ? sign(request, destination: destination, deliveryId: deliveryId, at: now)
            : signWithoutSecret(request, destination: destination, deliveryId: deliveryId, at: now)
    }

    /// The request as `sign` gives it, but with a placeholder where the signature goes: a key that
    /// may not read the secret must not get signatures over bodies it chose either. No secret is used.
    public static func signWithoutSecret(_ request: RenderedRequest, destination: Destination, deliveryId: String, at now: Date) -> RenderedRequest {
        var signed = request
        let headers = WebhookSigner.headers(scheme: destination.signing, secrets: [], messageId: deliveryId, timestamp: now, body: request.body)
        for (name, value) in headers { signed.setHeader(name, value) }
        switch destination.signing {
        case .standardWebhooks: signed.setHeader("webhook-signature", "v1," + hiddenSignature)
        case .segmentHMACSHA1: signed.setHeader("X-Signature", hiddenSignature)
        case .none: break
        }
        return signed
    }

    public static func formattedBody(event: Event, format: BodyFormat) -> JSONValue {
        switch format {
        case .event:
            return event.document
        case .standardWebhooks:
            return ["type": .string(event.name), "timestamp": event.message["timestamp"] ?? .string(Timestamp.format(event.receivedAt)), "data": event.document]
        case .openloyaltyLegacy:
            return ["type": .string(OpenLoyaltyNames.legacyType(event.name)), "data": event.message["properties"] ?? [:]]
        }
    }
}


extension String {
    /// Header-name equality: ASCII letters compared without case, no allocation.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8) { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}
