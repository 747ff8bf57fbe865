extension Mapping {
    /// What one mapping may hold, checked when it is saved: each delivery renders it, so these
    /// bound the work (and, with `RequestRenderer.maximumRequestBytes`, the output) one adds.
    public enum Limits {
        /// The mapping as JSON text, every template in it included (64 KiB).
        public static let maximumBytes = 65_536
        /// `{{ }}` expressions over all its templates.
        public static let maximumExpressions = 1_000
        /// Filters (`| name`) over all its expressions.
        public static let maximumFilters = 1_000
    }

    /// A mapping from an API request: held to `Limits` (each refusal names its limit), then parsed.
    /// `init(json:)` alone reads back what storage holds, including mappings saved before the limits.
    public init(validating json: JSONValue, path: String = "mapping") throws(ValidationError) {
        guard JSONSize.isAtMost(json, Limits.maximumBytes) else {
            throw ValidationError(field: path, "a mapping may be at most \(Limits.maximumBytes) bytes as JSON")
        }
        try self.init(json: json, path: path)
        try checkSendable(path: path)
        let templates = [url, method].compactMap { $0 } + headers.values + (body.map { Self.templates(in: $0.root) } ?? [])
        let expressions = templates.reduce(0) { $0 + $1.expressionCount }
        guard expressions <= Limits.maximumExpressions else {
            throw ValidationError(field: path, "a mapping may hold at most \(Limits.maximumExpressions) {{ }} expressions; this one has \(expressions)")
        }
        let filters = templates.reduce(0) { $0 + $1.filterCount }
        guard filters <= Limits.maximumFilters else {
            throw ValidationError(field: path, "a mapping may use at most \(Limits.maximumFilters) filters; this one has \(filters)")
        }
    }

    private static func templates(in node: JSONTemplate.Node) -> [Template] {
        switch node {
        case .literal: []
        case .template(let template): [template]
        case .array(let nodes): nodes.flatMap(templates(in:))
        case .object(let nodes): nodes.values.flatMap(templates(in:))
        }
    }
}
