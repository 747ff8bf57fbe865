/// A Liquid-style string template: text with `{{ expression | filter: argument }}` holes.
/// Parsed once (at save time, so errors point at a position), rendered many times.
public struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text(String)
        case expression(Expression)
    }

    let parts: [Part]

    /// A template error: what is wrong and at which character (0-based) of the source.
    public struct SyntaxError: Error, Equatable, Sendable {
        public var message: String
        public var position: Int
    }

    public init(_ source: String) throws(SyntaxError) {
        var parser = TemplateParser(source)
        parts = try parser.parseParts()
    }

    /// The one expression when the template is exactly `{{ ... }}` (spaces around allowed).
    var soleExpression: Expression? {
        let meaningful = parts.filter { if case .text(let text) = $0 { return !text.allSatisfy(\.isWhitespace) } else { return true } }
        if meaningful.count == 1, case .expression(let expression) = meaningful[0] { return expression }
        return nil
    }

    public var hasExpressions: Bool {
        parts.contains { if case .expression = $0 { return true } else { return false } }
    }

    /// The `{{ }}` holes, and the filters in them: what rendering costs grows with these.
    var expressionCount: Int {
        parts.reduce(0) { count, part in if case .expression = part { count + 1 } else { count } }
    }

    var filterCount: Int {
        parts.reduce(0) { count, part in if case .expression(let expression) = part { count + expression.filters.count } else { count } }
    }

    /// Text rendering: values as text, a missing value as "" (unless `default` says otherwise).
    /// With `percentEncoding`, each value is percent-encoded, as URL path values must be.
    /// Unbounded: for text known to be small; requests render within a `RenderBudget`.
    public func renderText(_ scope: JSONValue, percentEncoding: Bool = false) -> String {
        var unlimited = RenderBudget(.max)
        return (try? renderText(scope, percentEncoding: percentEncoding, budget: &unlimited)) ?? ""
    }

    func renderText(_ scope: JSONValue, percentEncoding: Bool = false, budget: inout RenderBudget) throws(RenderBudget.Exceeded) -> String {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text):
                try budget.spend(text.utf8.count)
                output += text
            case .expression(let expression):
                let value = try expression.evaluate(scope, budget: budget)
                // Objects and arrays become JSON text: refused first if that text could not fit.
                try budget.check(value)
                var text = value.map(TemplateValue.text) ?? ""
                if percentEncoding && !expression.endsWithURLEncode {
                    try budget.check(.string(text))
                    text = TemplateValue.percentEncode(text)
                }
                try budget.spend(text.utf8.count)
                output += text
            }
        }
        return output
    }

    /// Typed rendering: a template that is one expression yields its value (null when missing);
    /// anything else yields the rendered text. Unbounded, as `renderText(_:percentEncoding:)`.
    public func renderValue(_ scope: JSONValue) -> JSONValue {
        var unlimited = RenderBudget(.max)
        return (try? renderValue(scope, budget: &unlimited)) ?? .null
    }

    func renderValue(_ scope: JSONValue, budget: inout RenderBudget) throws(RenderBudget.Exceeded) -> JSONValue {
        guard let expression = soleExpression else { return .string(try renderText(scope, budget: &budget)) }
        let value = try expression.evaluate(scope, budget: budget) ?? .null
        try budget.spend(json: value)
        return value
    }
}

/// One `{{ ... }}`: an operand and the filters applied to it in order.
struct Expression: Sendable, Equatable {
    var operand: Operand
    var filters: [Filter]

    var endsWithURLEncode: Bool { filters.last?.name == .urlEncode }

    /// The value, refused as soon as any filter's text outgrows what the budget has left: a chain
    /// of `json` filters doubles a string each time and would otherwise run away.
    func evaluate(_ scope: JSONValue, budget: RenderBudget) throws(RenderBudget.Exceeded) -> JSONValue? {
        var value = operand.evaluate(scope)
        for filter in filters {
            value = filter.apply(to: value, scope: scope)
            if case .string(let text)? = value, text.utf8.count > budget.remaining { throw RenderBudget.Exceeded() }
        }
        return value
    }
}

enum Operand: Sendable, Equatable {
    case path(FieldPath)
    case literal(JSONValue)

    func evaluate(_ scope: JSONValue) -> JSONValue? {
        switch self {
        case .path(let path): path.value(in: scope)
        case .literal(let value): value
        }
    }
}
