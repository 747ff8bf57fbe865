/// A webhook source's `transform`: a JSON template over the roots `body` (one item), `headers`
/// (lower-case names) and `source` (`id`, `name`, `type`) that renders one Segment event.
public struct WebhookTransform: Sendable {
    public static let roots: Set<String> = ["body", "headers", "source"]

    let template: JSONTemplate

    /// Parses a transform from an API request: an object within the mapping limits whose
    /// expressions read only the three roots; errors name the field (`transform.properties`).
    public init(validating json: JSONValue) throws(ValidationError) {
        guard let fields = json.objectValue else {
            throw ValidationError(field: "transform", "transform must be a JSON object that renders a Segment event, not \(json.typeName)")
        }
        guard JSONSize.isAtMost(json, Mapping.Limits.maximumBytes) else {
            throw ValidationError(field: "transform", "transform may be at most \(Mapping.Limits.maximumBytes) bytes as JSON")
        }
        if let type = fields["type"], case .string(let text) = type, !text.contains("{{"), EventType(rawValue: text) == nil {
            throw ValidationError(field: "transform.type", "transform.type must be one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        template = try JSONTemplate(json, path: "transform")
        var expressions = 0
        try Self.checkRoots(template.root, path: "transform", expressions: &expressions)
        guard expressions <= Mapping.Limits.maximumExpressions else {
            throw ValidationError(field: "transform", "a transform may hold at most \(Mapping.Limits.maximumExpressions) {{ }} expressions")
        }
    }

    /// Reads a stored transform, validated when it was saved.
    public init?(stored json: JSONValue?) {
        guard let json, let parsed = try? WebhookTransform(validating: json) else { return nil }
        self = parsed
    }

    /// A string template (such as `eventName`) over the same roots.
    static func template(_ text: String, field: String) throws(ValidationError) -> Template {
        let template: Template
        do {
            template = try Template(text)
        } catch {
            throw ValidationError(field: field, "\(error.message) (at position \(error.position))")
        }
        for path in template.paths where !roots.contains(path.components[0]) {
            throw unknownRoot(path, field: field)
        }
        return template
    }

    /// Renders one event's message within `budget`; nil when the output outgrew it.
    func render(_ scope: JSONValue, budget: inout RenderBudget) -> JSONValue? {
        try? template.render(scope, budget: &budget)
    }

    private static func checkRoots(_ node: JSONTemplate.Node, path: String, expressions: inout Int) throws(ValidationError) {
        switch node {
        case .literal: return
        case .template(let template):
            expressions += template.expressionCount
            for fieldPath in template.paths where !roots.contains(fieldPath.components[0]) { throw unknownRoot(fieldPath, field: path) }
        case .array(let nodes):
            for (index, node) in nodes.enumerated() { try checkRoots(node, path: "\(path)[\(index)]", expressions: &expressions) }
        case .object(let nodes):
            for (key, node) in nodes.sorted(by: { $0.key < $1.key }) { try checkRoots(node, path: "\(path).\(key)", expressions: &expressions) }
        }
    }

    private static func unknownRoot(_ path: FieldPath, field: String) -> ValidationError {
        ValidationError(field: field, "\"\(path)\" reads an unknown root; a source's templates read body, headers or source (such as body.data.id)")
    }
}

extension Template {
    /// Every field path the template reads, filter arguments included.
    var paths: [FieldPath] {
        var paths: [FieldPath] = []
        for part in parts {
            guard case .expression(let expression) = part else { continue }
            for operand in [expression.operand] + expression.filters.flatMap(\.arguments) {
                if case .path(let path) = operand { paths.append(path) }
            }
        }
        return paths
    }
}
