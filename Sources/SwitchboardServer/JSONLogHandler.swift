import Foundation
import Logging
import SwitchboardCore

/// How `serve` writes its log lines.
public enum LogFormat: String, Sendable, CaseIterable {
    /// Human-readable lines (swift-log's stream handler).
    case text
    /// One JSON object per line: `time`, `level`, `label`, `message`, `metadata` (for log shippers).
    case json
}

/// Log lines as JSON objects, one per line: {"time","level","label","message","metadata":{...}}.
/// Metadata holds ids and kinds only (request id, delivery, destination, attempt): callers never
/// log secrets, header values or bodies, so this handler needs no redaction of its own.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: receives each line without its newline (standard error by default).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let metadata = event.metadata { merged.merge(metadata) { _, new in new } }
        write(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// One line's JSON text.
    public static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let object: JSONValue = [
            "time": .string(Timestamp.format(time)), "level": .string(level.rawValue), "label": .string(label), "message": .string(message),
            "metadata": .object(metadata.mapValues(json)),
        ]
        return JSONCoding.string(object)
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .dictionary(let dictionary): .object(dictionary.mapValues(json))
        case .array(let array): .array(array.map(json))
        }
    }

    /// Writes a line and its newline to standard error in one call, so lines never interleave.
    @Sendable public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
