import Foundation

/// An audience synced to a Braze cohort through Braze's partner cohort import (seed 001): the
/// cohort is created at install (`POST {endpoint}/partners/{partner}/cohorts`), then a recurring
/// diff sync posts `cohort_changes` to `.../cohorts/users`, at most 1,000 ids a request. Braze
/// takes both keys in the body, so they sit in the sync's mapping.
public struct BrazeCohortsConnector: Connector {
    public let name = "braze-cohorts"
    public let description = "Sync an audience to a Braze cohort (partner cohort import): create the cohort, then send who joined and who left every intervalHours"
    public let platform = "Braze"
    public let parameters: [ConnectorParameter] = [
        ConnectorParameter("endpoint", .url, "Your Braze REST endpoint, e.g. https://rest.iad-01.braze.com", required: true),
        ConnectorParameter("partnerApiKey", .secret, "The partner API key Braze gave the integration partner", required: true),
        ConnectorParameter("dataImportKey", .secret, "Your data import key (client secret) from Technology Partners", required: true),
        ConnectorParameter("cohortId", .string, "The cohort's id in Braze (yours to choose, stable)", required: true),
        ConnectorParameter("cohortName", .string, "The cohort's name as Braze shows it", required: true),
        ConnectorParameter("audienceKey", .string, "The audience to sync", required: true),
        ConnectorParameter("intervalHours", .integer(1...8760), "Hours between syncs (counts toward the recurring-sync cap)", default: 4),
        ConnectorParameter("partner", .string, "The partner name in Braze's import URL", default: "heap"),
    ]

    /// Braze's limit of ids per cohort request.
    public static let idsPerRequest = 1_000

    public init() {}

    public func plan(_ values: ConnectorValues, at now: Date) throws(ValidationError) -> ConnectorPlan {
        let partner = values.string("partner")
        guard partner.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ValidationError(field: "parameters.partner", "partner may hold only letters, digits, _ and -")
        }
        let cohorts = values.base("endpoint") + "/partners/" + partner + "/cohorts"
        let keys: [String: JSONValue] = [
            "partner_api_key": .string(values.string("partnerApiKey")), "client_secret": .string(values.string("dataImportKey")),
            "cohort_id": .string(values.string("cohortId")),
        ]
        var create = keys
        create["name"] = .string(values.string("cohortName"))
        create["created_at"] = .string(Timestamp.format(now))
        var changes = keys
        changes["cohort_changes"] = "{{ cohortChanges }}"

        var plan = ConnectorPlan()
        plan.destinations = [.init(name: "Braze cohort \(values.string("cohortName"))", url: cohorts + "/users", urlField: "parameters.endpoint")]
        var request = RenderedRequest(method: "POST", url: cohorts, headers: [], body: JSONCoding.bytes(.object(create)))
        request.setHeader("Content-Type", "application/json")
        request.setHeader("User-Agent", "Switchboard/1.0")
        plan.setupRequests = [.init(purpose: "creating the Braze cohort", field: "parameters.endpoint", request: request)]
        let hours = values.int("intervalHours") ?? 4
        plan.syncs = [
            .init(
                destination: 0, audienceKey: values.string("audienceKey"), intervalSeconds: hours * 3600, batchSize: Self.idsPerRequest,
                mapping: try AudienceSync.mapping(.object(changes), path: "parameters"))
        ]
        return plan
    }
}
