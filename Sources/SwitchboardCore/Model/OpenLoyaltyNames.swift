import Foundation

/// Open Loyalty's event names in their legacy webhook form.
public enum OpenLoyaltyNames {
    static let legacy: [String: String] = [
        "AvailablePointsAmountChanged": "account.available_points_amount_changed",
        "CustomerRegistered": "customer.registered", "CustomerUpdated": "customer.updated",
        "CustomerDeactivated": "customer.deactivated", "CustomerLevelChanged": "customer.level_changed",
        "TransactionRegistered": "transaction.registered", "TransactionAssignedToCustomer": "transaction.assigned_to_customer",
    ]

    /// `PointsWillExpire` -> `points.will_expire`: the first word, a dot, the rest in lower snake case.
    public static func legacyType(_ name: String) -> String {
        if let known = legacy[name] { return known }
        var words: [String] = []
        for character in name {
            if character.isUppercase || words.isEmpty { words.append("") }
            words[words.count - 1].append(character.lowercased())
        }
        guard words.count > 1 else { return words.first ?? name }
        return words[0] + "." + words.dropFirst().joined(separator: "_")
    }

    /// `points.will_expire` -> `PointsWillExpire`: a legacy webhook type back to the current name
    /// (the table first, so names that do not follow the pattern map back too); current names pass.
    public static func currentName(_ type: String) -> String {
        guard type.contains(".") else { return type }
        if let known = legacy.first(where: { $0.value == type })?.key { return known }
        return type.split(whereSeparator: { $0 == "." || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The event catalogue every workspace starts with.
    public static let presetEventTypes = [
        "TransactionRegistered", "PointsWillExpire", "LevelWillExpire", "AvailablePointsAmountChanged", "TransactionAssignedToCustomer",
        "RewardRedemptionStatusChanged", "CampaignEffectWasApplied", "CustomerWasRegisteredWithoutActivation", "CustomerUpdated",
        "CustomerRequestedSendActivationCode", "CustomerRequestedPasswordReset", "CustomerRegistered", "CustomerPhoneNumberWasChanged",
        "CustomerLevelChanged", "CustomerEmailWasChanged", "CustomerDeactivated", "CustomerBoughtReward", "CouponWillExpire",
        "identify", "page", "screen", "group", "alias",
    ]
}
