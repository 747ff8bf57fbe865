/// Every template by the name pages render it with; all are string literals in the binary.
enum AdminTemplates {
    static let all: [(String, String)] = [
        ("layout", LayoutTemplate.template),
        ("error", ErrorTemplate.template),
        ("signIn", SignInTemplate.template),
        ("dashboard", DashboardTemplate.template),
        ("destinations", DestinationsTemplate.template),
        ("destinationForm", DestinationFormTemplate.template),
        ("destination", DestinationTemplate.template),
        ("activity", ActivityTemplate.template),
        ("delivery", DeliveryTemplate.template),
        ("events", EventsTemplate.template),
        ("event", EventTemplate.template),
        ("sources", SourcesTemplate.template),
        ("sourceForm", SourceFormTemplate.template),
        ("source", SourceTemplate.template),
        ("subscriptions", SubscriptionsTemplate.template),
        ("subscriptionForm", SubscriptionFormTemplate.template),
        ("conditionBuilder", ConditionBuilderTemplate.template),
        ("audiences", AudiencesTemplate.template),
        ("audienceForm", AudienceFormTemplate.template),
        ("audience", AudienceTemplate.template),
        ("syncs", SyncsTemplate.template),
        ("syncForm", SyncFormTemplate.template),
        ("sync", SyncTemplate.template),
    ]
}
