/// `openloyalty` sources: Open Loyalty webhook bodies, current (`{"type": "AvailablePointsAmountChanged",
/// "data": {...}}`) or legacy (`{"type": "account.available_points_amount_changed", ...}`), one or an
/// array of them; each becomes a track event named with the current name, `properties` = `data`.
extension InboundConverter {
    /// Where each member identifier sits in Open Loyalty's payloads, most specific first: the
    /// member object of current payloads, `data` itself, the legacy `customer.registered` body's
    /// inner `data`, and the legacy transaction's `customerData`.
    static let openLoyaltyUserIdPaths: [String: [FieldPath]] = [
        "loyaltyCardNumber": paths("customer.loyaltyCardNumber", "loyaltyCardNumber", "member.loyaltyCardNumber", "data.loyaltyCardNumber", "customerData.loyaltyCardNumber"),
        "customerId": paths("customer.customerId", "customerId", "customer.id", "member.customerId", "memberId", "data.customerId"),
        "email": paths("customer.email", "email", "member.email", "data.email", "customerData.email"),
    ]

    private static func paths(_ texts: String...) -> [FieldPath] { texts.compactMap(FieldPath.init) }

    func openLoyaltyEvents(_ body: JSONValue) throws(InboundError) -> [Event] {
        let bodies = body.arrayValue ?? [body]
        let userIdField = source.settings.userIdField ?? "loyaltyCardNumber"
        var events: [Event] = []
        for (index, item) in bodies.enumerated() {
            let label = bodies.count == 1 ? "the body" : "item \(index)"
            guard let fields = item.objectValue, let type = fields["type"]?.stringValue, !type.isEmpty, type.utf8.count <= 200 else {
                throw InboundError(.malformed, "expected an Open Loyalty webhook body {\"type\": \"CustomerRegistered\", \"data\": {...}} (or an array of them) in \(label)")
            }
            let data: [String: JSONValue]
            switch fields["data"] {
            case nil, .null?: data = [:]
            case .object(let object)?: data = object
            case let other?: throw InboundError(.malformed, "expected data to be an object in \(label), not \(other.typeName)", field: "data")
            }
            var message: [String: JSONValue] = ["event": .string(OpenLoyaltyNames.currentName(type)), "properties": .object(data)]
            let member = JSONValue.object(data)
            func first(_ field: String) -> String? {
                (Self.openLoyaltyUserIdPaths[field] ?? []).lazy.compactMap { Self.identifier($0.value(in: member)) }.first
            }
            if let userId = first(userIdField) {
                message["userId"] = .string(userId)
            } else {
                // Without the chosen identifier the member's Open Loyalty id keeps their events together.
                message["anonymousId"] = .string(first("customerId") ?? source.id)
            }
            if let id = defaultMessageId(index: index, of: bodies.count) { message["messageId"] = .string(id) }
            events.append(try event(message, item: label))
        }
        return events
    }
}
