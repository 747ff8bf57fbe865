/// How a subscription reshapes an event for its destination: templates for URL, method,
/// headers and a JSON body whose string leaves are templates.
public struct Mapping: Sendable, Equatable {
    public var url: Template?
    public var method: Template?
    public var headers: [String: Template]
    public var body: JSONTemplate?
    /// The mapping as the user wrote it, to show back.
    public var json: JSONValue
    /// Whether any template may read the `profile` root: only then is the profile loaded to send
    /// (worked out once here, not on every lease).
    public let mentionsProfile: Bool

    public init(json: JSONValue, path: String = "mapping") throws(ValidationError) {
        let fields = try JSONObjectReader(json, path: path)
        func template(_ text: String, field: String) throws(ValidationError) -> Template {
            do {
                return try Template(text)
            } catch {
                throw ValidationError(field: field, "\(error.message) (at position \(error.position))")
            }
        }
        url = try fields.string("url").map { text throws(ValidationError) in try template(text, field: fields.fieldPath("url")) }
        method = try fields.string("method").map { text throws(ValidationError) in try template(text, field: fields.fieldPath("method")) }
        if let method, !method.hasExpressions, HTTPMethodName(rawValue: method.renderText(.null).uppercased()) == nil {
            throw ValidationError(field: fields.fieldPath("method"), "method must be POST, PUT or PATCH")
        }
        var headers: [String: Template] = [:]
        if let headerFields = try fields.object("headers") {
            for (name, value) in headerFields.fields {
                let field = headerFields.fieldPath(name)
                guard HeaderName.isValid(name) else { throw ValidationError(field: field, "\"\(name)\" is not a valid header name") }
                guard let text = value.stringValue else { throw ValidationError(field: field, "header values must be strings") }
                headers[name] = try template(text, field: field)
            }
        }
        self.headers = headers
        body = try fields.fields["body"].flatMap { value throws(ValidationError) in
            value.isNull ? nil : try JSONTemplate(value, path: fields.fieldPath("body"))
        }
        self.json = json
        mentionsProfile = JSONCoding.string(json).contains("profile")
    }

    /// Refuses what could never be sent: a URL whose fixed text is not http(s) with a host (the
    /// sender checks every rendered URL too), and header text that is not RFC 9110 field content.
    public func checkSendable(path: String = "mapping") throws(ValidationError) {
        func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        if let url, let problem = url.hasExpressions ? url.fixedPrefix.flatMap(DestinationURL.prefixProblem) : DestinationURL.problem(url.renderText(.null)) {
            throw ValidationError(field: field("url"), problem)
        }
        for (name, template) in headers.sorted(by: { $0.key < $1.key }) {
            if let problem = HeaderValue.problem(templateText: template) { throw ValidationError(field: field("headers." + name), problem) }
        }
    }
}

/// A JSON value whose strings are templates: a string that is exactly one `{{ expr }}` takes
/// the value's own type; every other string is text. The result is JSON by construction.
public struct JSONTemplate: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case literal(JSONValue)
        case template(Template)
        case array([Node])
        case object([String: Node])
    }

    let root: Node

    public init(_ value: JSONValue, path: String) throws(ValidationError) {
        root = try Self.node(value, path: path)
    }

    private static func node(_ value: JSONValue, path: String) throws(ValidationError) -> Node {
        switch value {
        case .string(let text):
            do {
                let template = try Template(text)
                return template.hasExpressions ? .template(template) : .literal(value)
            } catch {
                throw ValidationError(field: path, "\(error.message) (at position \(error.position))")
            }
        case .array(let elements):
            var nodes: [Node] = []
            for (index, element) in elements.enumerated() { nodes.append(try node(element, path: "\(path)[\(index)]")) }
            return .array(nodes)
        case .object(let fields):
            var nodes: [String: Node] = [:]
            for (key, element) in fields { nodes[key] = try node(element, path: "\(path).\(key)") }
            return .object(nodes)
        default:
            return .literal(value)
        }
    }

    public func render(_ scope: JSONValue) -> JSONValue {
        Self.render(root, scope)
    }

    private static func render(_ node: Node, _ scope: JSONValue) -> JSONValue {
        switch node {
        case .literal(let value): value
        case .template(let template): template.renderValue(scope)
        case .array(let nodes): .array(nodes.map { render($0, scope) })
        case .object(let nodes): .object(nodes.mapValues { render($0, scope) })
        }
    }
}

/// The methods a destination may use.
public enum HTTPMethodName: String, Sendable, CaseIterable {
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
}

/// RFC 9110 header names: one or more token characters.
public enum HeaderName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 256
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
                default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}

/// RFC 9110 field values, judged as the bytes sent: visible ASCII and obs-text (bytes 0x80-0xFF),
/// with spaces and tabs only inside; no CR, LF, NUL or other control byte.
public enum HeaderValue {
    /// Why the value can never be sent as it is, or nil.
    public static func problem(_ value: String) -> String? {
        problem(text: value.utf8, leading: true, trailing: true)
    }

    /// The same for a header template's literal text (rendered values are cleaned when sending).
    static func problem(templateText template: Template) -> String? {
        for (index, part) in template.parts.enumerated() {
            guard case .text(let text) = part else { continue }
            if let problem = problem(text: text.utf8, leading: index == 0, trailing: index == template.parts.count - 1) { return problem }
        }
        return nil
    }

    private static func problem(text: String.UTF8View, leading: Bool, trailing: Bool) -> String? {
        guard text.allSatisfy(isFieldByte) else { return "header values may not hold control characters (CR, LF, NUL, ...)" }
        func isBlank(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        if (leading && isBlank(text.first)) || (trailing && isBlank(text.last)) { return "header values may not start or end with a space or tab" }
        return nil
    }

    static func isFieldByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }
}

extension Template {
    /// The text before the first expression: the part of every rendering known at save time.
    var fixedPrefix: String? {
        guard case .text(let text)? = parts.first else { return nil }
        return text
    }
}
