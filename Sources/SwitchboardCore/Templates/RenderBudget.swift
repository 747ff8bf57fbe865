/// How many bytes a rendering may still produce. Each piece is charged before it is kept, so a
/// template that would grow past the limit (thousands of `{{ message }}`, `json` filters piled
/// up) stops at the first piece over it, never having built the whole output.
struct RenderBudget {
    struct Exceeded: Error {}

    private(set) var remaining: Int

    init(_ limit: Int) {
        remaining = limit
    }

    mutating func spend(_ bytes: Int) throws(Exceeded) {
        guard bytes <= remaining else { throw Exceeded() }
        remaining -= bytes
    }

    /// Charges a value's JSON text, sized only as far as the budget reaches.
    mutating func spend(json value: JSONValue) throws(Exceeded) {
        guard remaining != .max else { return }  // unbounded rendering need not size anything
        try spend(JSONSize.count(value, upTo: remaining))
    }

    /// Refuses a value whose text could not fit anyway, before it is turned into text.
    func check(_ value: JSONValue?) throws(Exceeded) {
        guard let value, remaining != .max else { return }
        switch value {
        case .string(let text): if text.utf8.count > remaining { throw Exceeded() }
        case .array, .object: if JSONSize.count(value, upTo: remaining) > remaining { throw Exceeded() }
        default: break
        }
    }
}

extension JSONTemplate {
    /// The body for one scope, every node charged to the budget as it is rendered.
    func render(_ scope: JSONValue, budget: inout RenderBudget) throws(RenderBudget.Exceeded) -> JSONValue {
        try Self.render(root, scope, budget: &budget)
    }

    private static func render(_ node: Node, _ scope: JSONValue, budget: inout RenderBudget) throws(RenderBudget.Exceeded) -> JSONValue {
        switch node {
        case .literal(let value):
            try budget.spend(json: value)
            return value
        case .template(let template):
            return try template.renderValue(scope, budget: &budget)
        case .array(let nodes):
            var elements: [JSONValue] = []
            elements.reserveCapacity(nodes.count)
            for node in nodes { elements.append(try render(node, scope, budget: &budget)) }
            return .array(elements)
        case .object(let nodes):
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(nodes.count)
            for (key, node) in nodes {
                try budget.spend(key.utf8.count)
                fields[key] = try render(node, scope, budget: &budget)
            }
            return .object(fields)
        }
    }
}
