import Foundation

/// Audience -> Open Loyalty member label (seed 000): on `Audience Entered`, PATCH the member
/// with the label; on `Audience Exited`, PATCH it away. Open Loyalty's partial member update
/// takes labels as an object whose null value removes that label alone (the seed's list form
/// replaces every label and cannot say "remove"), so exit always uses the object form.
public struct OpenLoyaltyMemberLabelsConnector: Connector {
    public let name = "openloyalty-member-labels"
    public let description = "Label Open Loyalty members while they are in an audience: PATCH /api/{tenant}/member/{memberIdentifier}={userId} on enter, remove the label on exit"
    public let platform = "Open Loyalty"
    public let parameters: [ConnectorParameter] = [
        ConnectorParameter("baseUrl", .url, "Your Open Loyalty instance, e.g. https://ol.example.com", required: true),
        ConnectorParameter("tenant", .string, "Tenant (store) code, e.g. KHO", required: true),
        ConnectorParameter("apiToken", .secret, "Permanent API token, sent as X-AUTH-TOKEN", required: true),
        ConnectorParameter("audienceKey", .string, "The audience whose members get the label", required: true),
        ConnectorParameter("labelKey", .string, "Label key, e.g. braze_vip_segment", required: true),
        ConnectorParameter("labelValue", .string, "Label value", default: "optedIn"),
        ConnectorParameter(
            "memberIdentifier", .choice(["loyaltyCardNumber", "email", "phone", "customerId"]),
            "Which member field the userId is (customerId: the member id itself)", default: "loyaltyCardNumber"),
        ConnectorParameter(
            "labelsFormat", .choice(["list", "object"]),
            "How entering sends the label: list (the seed's [{key, value}], which replaces the member's labels) or object ({key: value}, which keeps the others)",
            default: "list"),
    ]

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        let tenant = values.string("tenant")
        guard tenant.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ValidationError(field: "parameters.tenant", "tenant may hold only letters, digits, _ and -")
        }
        let base = values.base("baseUrl") + "/api/" + tenant + "/member"
        let identifier = values.string("memberIdentifier")
        let url = base + "/" + (identifier == "customerId" ? "" : identifier + "=") + "{{ userId }}"
        let (key, value) = (values.string("labelKey"), values.string("labelValue"))
        let entered: JSONValue =
            values.string("labelsFormat") == "object"
            ? ["customer": ["labels": .object([key: .string(value)])]]
            : ["customer": ["labels": [["key": .string(key), "value": .string(value)]]]]
        let audience = ["field": "properties.audienceKey", "op": "eq", "value": JSONValue.string(values.string("audienceKey"))] as JSONValue
        let known = ["field": "userId", "op": "exists"] as JSONValue

        var plan = ConnectorPlan()
        plan.destinations = [
            .init(name: "Open Loyalty members (\(tenant))", url: base, method: .patch, headers: ["X-AUTH-TOKEN": values.string("apiToken")], urlField: "parameters.baseUrl")
        ]
        plan.subscriptions = [
            .init(
                destination: 0, name: "Open Loyalty label on audience enter", eventNames: ["Audience Entered"],
                condition: try Condition(validating: ["all": [audience, known]]),
                mapping: try .preset(["url": .string(url), "method": "PATCH", "body": entered])),
            .init(
                destination: 0, name: "Open Loyalty label removed on audience exit", eventNames: ["Audience Exited"],
                condition: try Condition(validating: ["all": [audience, known]]),
                mapping: try .preset(["url": .string(url), "method": "PATCH", "body": ["customer": ["labels": .object([key: .null])]]])),
        ]
        return plan
    }
}
