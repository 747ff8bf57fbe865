import Foundation

/// A parser of Prometheus' text exposition format (0.0.4), enough to read back what `/metrics`
/// serves: `# TYPE` lines, and samples `name{label="value",...} value` with escaped label values.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    enum ParseError: Error, CustomStringConvertible {
        case malformed(line: String, reason: String)
        var description: String {
            switch self {
            case .malformed(let line, let reason): "\(reason): \(line)"
            }
        }
    }

    var samples: [Sample] = []
    /// Family name -> counter, gauge, histogram, ...
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 4, parts[1] == "TYPE" { types[parts[2]] = parts[3] }
                continue
            }
            samples.append(try Self.sample(line))
        }
    }

    /// The value of the one sample with this name whose labels include `labels`; nil when none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.count == 1 ? matching[0].value : nil
    }

    /// Every sample of a name.
    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    private static func sample(_ line: String) throws -> Sample {
        var index = line.startIndex
        func isNameCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" || character == ":" }
        while index < line.endIndex, isNameCharacter(line[index]) { index = line.index(after: index) }
        let name = String(line[..<index])
        guard !name.isEmpty, let first = name.first, !first.isNumber else { throw ParseError.malformed(line: line, reason: "no metric name") }
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while true {
                guard index < line.endIndex else { throw ParseError.malformed(line: line, reason: "unterminated labels") }
                if line[index] == "}" {
                    index = line.index(after: index)
                    break
                }
                let labelStart = index
                while index < line.endIndex, isNameCharacter(line[index]) { index = line.index(after: index) }
                let label = String(line[labelStart..<index])
                guard !label.isEmpty, index < line.endIndex, line[index] == "=" else { throw ParseError.malformed(line: line, reason: "bad label") }
                index = line.index(after: index)
                guard index < line.endIndex, line[index] == "\"" else { throw ParseError.malformed(line: line, reason: "unquoted label value") }
                index = line.index(after: index)
                var value = ""
                while true {
                    guard index < line.endIndex else { throw ParseError.malformed(line: line, reason: "unterminated label value") }
                    let character = line[index]
                    index = line.index(after: index)
                    if character == "\"" { break }
                    if character == "\\" {
                        guard index < line.endIndex else { throw ParseError.malformed(line: line, reason: "bad escape") }
                        let escaped = line[index]
                        index = line.index(after: index)
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: throw ParseError.malformed(line: line, reason: "bad escape")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw ParseError.malformed(line: line, reason: "repeated label") }
                if index < line.endIndex, line[index] == "," { index = line.index(after: index) }
            }
        }
        let rest = line[index...].split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(rest.count) else { throw ParseError.malformed(line: line, reason: "no value") }
        let value: Double
        switch rest[0] {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(rest[0]) else { throw ParseError.malformed(line: line, reason: "value is not a number") }
            value = number
        }
        return Sample(name: name, labels: labels, value: value)
    }
}
