/// Parses template source into parts; every error names the character position it found.
struct TemplateParser {
    private let characters: [Character]
    private var index = 0

    init(_ source: String) {
        characters = Array(source)
    }

    mutating func parseParts() throws(Template.SyntaxError) -> [Template.Part] {
        var parts: [Template.Part] = []
        var text = ""
        while index < characters.count {
            if characters[index] == "{", next == "{" {
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                let open = index
                index += 2
                parts.append(.expression(try expression(openedAt: open)))
            } else if characters[index] == "}", next == "}" {
                throw error("unexpected }} without an opening {{")
            } else {
                text.append(characters[index])
                index += 1
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    private var next: Character? { index + 1 < characters.count ? characters[index + 1] : nil }

    private mutating func expression(openedAt open: Int) throws(Template.SyntaxError) -> Expression {
        skipSpaces()
        guard !atClose else { throw error("empty {{ }}: put a value such as userId inside") }
        let operand = try self.operand(openedAt: open)
        var filters: [Filter] = []
        skipSpaces()
        while index < characters.count, characters[index] == "|" {
            index += 1
            skipSpaces()
            filters.append(try filter(openedAt: open))
            skipSpaces()
        }
        guard atClose else {
            if index >= characters.count { throw Template.SyntaxError(message: "{{ is never closed with }}", position: open) }
            throw error("unexpected \"\(characters[index])\"; expected | or }}")
        }
        index += 2
        return Expression(operand: operand, filters: filters)
    }

    private var atClose: Bool { index < characters.count && characters[index] == "}" && next == "}" }

    private mutating func filter(openedAt open: Int) throws(Template.SyntaxError) -> Filter {
        let start = index
        let word = identifier()
        guard !word.isEmpty else { throw error("expected a filter name after |") }
        guard let name = Filter.Name(rawValue: word) else {
            let names = Filter.Name.allCases.map(\.rawValue).joined(separator: ", ")
            throw Template.SyntaxError(message: "unknown filter \"\(word)\"; filters are \(names)", position: start)
        }
        var arguments: [Operand] = []
        skipSpaces()
        if index < characters.count, characters[index] == ":" {
            index += 1
            repeat {
                skipSpaces()
                arguments.append(try operand(openedAt: open))
                skipSpaces()
            } while consume(",")
        }
        guard name.arity.contains(arguments.count) else {
            throw Template.SyntaxError(message: "filter \(word) takes \(name.arity.upperBound == 0 ? "no arguments" : "\(name.arity.upperBound) argument")", position: start)
        }
        return Filter(name: name, arguments: arguments)
    }

    private mutating func operand(openedAt open: Int) throws(Template.SyntaxError) -> Operand {
        guard index < characters.count else { throw Template.SyntaxError(message: "{{ is never closed with }}", position: open) }
        let character = characters[index]
        if character == "\"" || character == "'" { return .literal(.string(try stringLiteral(quote: character))) }
        if character.isNumber || (character == "-" && next?.isNumber == true) { return .literal(try numberLiteral()) }
        let start = index
        let word = identifier(allowDots: true)
        switch word {
        case "": throw error("expected a value: a field such as properties.total, a \"string\" or a number")
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null", "nil": return .literal(.null)
        default:
            guard let path = FieldPath(word) else { throw Template.SyntaxError(message: "\"\(word)\" is not a field path", position: start) }
            return .path(path)
        }
    }

    private mutating func identifier(allowDots: Bool = false) -> String {
        var word = ""
        while index < characters.count {
            let character = characters[index]
            guard character.isLetter || character.isNumber || character == "_" || character == "-" || (allowDots && character == ".") else { break }
            word.append(character)
            index += 1
        }
        return word
    }

    private mutating func stringLiteral(quote: Character) throws(Template.SyntaxError) -> String {
        let start = index
        index += 1
        var text = ""
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == quote { return text }
            if character == "\\", index < characters.count {
                text.append(characters[index])
                index += 1
            } else {
                text.append(character)
            }
        }
        throw Template.SyntaxError(message: "string is never closed", position: start)
    }

    private mutating func numberLiteral() throws(Template.SyntaxError) -> JSONValue {
        let start = index
        var text = ""
        while index < characters.count, characters[index].isNumber || characters[index] == "." || characters[index] == "-" {
            text.append(characters[index])
            index += 1
        }
        if let integer = Int64(text) { return .int(integer) }
        if let double = Double(text) { return .double(double) }
        throw Template.SyntaxError(message: "\(text) is not a number", position: start)
    }

    private mutating func skipSpaces() {
        while index < characters.count, characters[index] == " " || characters[index] == "\t" || characters[index] == "\n" { index += 1 }
    }

    private mutating func consume(_ character: Character) -> Bool {
        guard index < characters.count, characters[index] == character else { return false }
        index += 1
        return true
    }

    private func error(_ message: String) -> Template.SyntaxError {
        Template.SyntaxError(message: message, position: index)
    }
}
