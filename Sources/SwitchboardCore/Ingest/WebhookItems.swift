/// `webhook` sources: any JSON body, an array of them, or an array at `itemsPath`; each item
/// becomes one event through the `transform`, or named by `eventName` with the item as properties.
extension InboundConverter {
    /// The name of an event from a webhook source that has neither a transform nor an `eventName`.
    public static let defaultWebhookEventName = "Webhook Received"

    func webhookEvents(_ body: JSONValue) throws(InboundError) -> [Event] {
        let items = try webhookItems(body)
        let settings = source.settings
        let transform = WebhookTransform(stored: settings.transform)
        let eventName = settings.eventName.flatMap { try? WebhookTransform.template($0, field: "eventName") }
        let sourceScope: JSONValue = ["id": .string(source.id), "name": .string(source.name), "type": .string(source.type.rawValue)]
        let headerScope = JSONValue.object(headers.mapValues(JSONValue.string))
        var budget = RenderBudget(renderBudget)
        var events: [Event] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let scope: JSONValue = ["body": item, "headers": headerScope, "source": sourceScope]
            let label = items.count == 1 ? "the body" : "item \(index)"
            var message: [String: JSONValue]
            var type = EventType.track
            if let transform {
                guard let rendered = transform.render(scope, budget: &budget) else {
                    throw InboundError(.invalidEvent, "the source's transform renders more than \(renderBudget) bytes for this request")
                }
                guard let fields = rendered.objectValue else { throw InboundError(.invalidEvent, "the source's transform must render an object") }
                message = fields
                switch fields["type"] {
                case nil, .null?, .string("")?: type = .track
                case .string(let name)? where EventType(rawValue: name) != nil: type = EventType(rawValue: name) ?? .track
                case let other?:
                    throw InboundError(
                        .invalidEvent, "the source's transform rendered type \(JSONCoding.string(other)) for \(label); expected one of "
                            + EventType.allCases.map(\.rawValue).joined(separator: ", "), field: "type")
                }
            } else {
                var name = (try? eventName?.renderText(scope, budget: &budget)) ?? nil
                if name?.isEmpty ?? true { name = Self.defaultWebhookEventName }
                message = ["event": .string(name ?? Self.defaultWebhookEventName), "properties": item.objectValue.map(JSONValue.object) ?? ["value": item]]
                if let path = settings.userIdField.flatMap(FieldPath.init), let userId = Self.identifier(path.value(in: item)) {
                    message["userId"] = .string(userId)
                }
            }
            fillDefaults(&message, index: index, count: items.count)
            do {
                events.append(try normalizer.event(from: .object(message), type: type))
            } catch {
                throw InboundError(
                    transform == nil ? .malformed : .invalidEvent, "the event made from \(label) is not a valid Segment event: \(error.message)",
                    field: error.field)
            }
        }
        return events
    }

    private func webhookItems(_ body: JSONValue) throws(InboundError) -> [JSONValue] {
        if let itemsPath = source.settings.itemsPath, let path = FieldPath(itemsPath) {
            guard let items = path.value(in: body)?.arrayValue else {
                throw InboundError(.malformed, "expected a JSON array at \(itemsPath) in the body (the source's itemsPath)", field: itemsPath)
            }
            return items
        }
        return body.arrayValue ?? [body]
    }

    /// A message with no user is attributed to the source; a retried delivery keeps its message id.
    private func fillDefaults(_ message: inout [String: JSONValue], index: Int, count: Int) {
        if Self.identifier(message["userId"]) == nil, Self.identifier(message["anonymousId"]) == nil {
            message["anonymousId"] = .string(source.id)
        }
        for field in ["userId", "anonymousId"] {
            if case .int(let number)? = message[field] { message[field] = .string(String(number)) }
        }
        if message["messageId"]?.stringValue?.isEmpty ?? true, let id = defaultMessageId(index: index, of: count) {
            message["messageId"] = .string(id)
        }
    }
}
