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

    /// Text rendering: values as text, a missing value as "" (unless `default` says otherwise).
    /// With `percentEncoding`, each value is percent-encoded, as URL path values must be.
    public func renderText(_ scope: JSONValue, percentEncoding: Bool = false) -> String {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text): output += text
            case .expression(let expression):
                let text = expression.evaluate(scope).map(TemplateValue.text) ?? ""
                output += percentEncoding && !expression.endsWithURLEncode ? TemplateValue.percentEncode(text) : text
            }
        }
        return output
    }

    /// Typed rendering: a template that is one expression yields its value (null when missing);
    /// anything else yields the rendered text.
    public func renderValue(_ scope: JSONValue) -> JSONValue {
        if let expression = soleExpression { return expression.evaluate(scope) ?? .null }
        return .string(renderText(scope))
    }
}

/// One `{{ ... }}`: an operand and the filters applied to it in order.
struct Expression: Sendable, Equatable {
    var operand: Operand
    var filters: [Filter]

    var endsWithURLEncode: Bool { filters.last?.name == .urlEncode }

    func evaluate(_ scope: JSONValue) -> JSONValue? {
        var value = operand.evaluate(scope)
        for filter in filters { value = filter.apply(to: value, scope: scope) }
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
