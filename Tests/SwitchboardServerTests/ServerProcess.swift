import Foundation
import Synchronization
import Testing

/// The real `switchboard serve` binary in a child process, for tests that must kill it.
final class ServerProcess: Sendable {
    let process: SpawnedProcess
    let port: Int

    /// The binary `swift build` put next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("switchboard")
    }

    /// Starts the server on a free loopback port and waits until it says it listens.
    /// - Parameter launcher: a command that ends by exec'ing the rest of its arguments (the binary and
    ///   its own), so that the process id stays the server's: e.g. one that gives it a mount namespace.
    init(database: String, environment: [String: String] = [:], arguments: [String] = ["--port", "0"], launcher: [String] = []) async throws {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ServerProcessError.notBuilt(binary.path)
        }
        let command = launcher + [binary.path, "serve", "--host", "127.0.0.1", "--database", database] + arguments
        let process = try SpawnedProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: Self.environment(environment))
        self.process = process
        // Until the "listening" line, or the end of its output.
        let text = await Self.read(process.output!) { Self.listeningPort($0) != nil }
        guard let port = Self.listeningPort(text) else {
            process.kill()
            throw ServerProcessError.didNotStart(text)
        }
        self.port = port
    }

    /// The port of a complete "listening on" line in `text`.
    private static func listeningPort(_ text: String) -> Int? {
        guard let range = text.range(of: "listening on http://127.0.0.1:") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return text[range.upperBound...].dropFirst(digits.count).first == "\n" ? Int(digits) : nil
    }

    /// Reads `handle` until `enough` says so or it ends, on a thread of its own: a blocking read
    /// must not hold one of the few threads all tasks share (tests waiting on each other would stall).
    private static func read(_ handle: FileHandle, until enough: @escaping @Sendable (String) -> Bool) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                var text = ""
                while !enough(text) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }.start()
        }
    }

    /// This process's environment without inherited SWITCHBOARD_* settings, plus the given ones.
    static func environment(_ given: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }.merging(given) { _, new in new }
    }

    /// Runs a short command of the binary to its end and returns what it printed (both streams).
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await SpawnedProcess.run(binary.path, arguments, environment: environment([:]), errors: .sameAsOutput)
        return (result.ending.status, result.output)
    }

    func kill() { process.kill() }

    deinit { kill() }
}

enum ServerProcessError: Error, CustomStringConvertible {
    case notBuilt(String)
    case didNotStart(String)

    var description: String {
        switch self {
        case .notBuilt(let path): "no server binary at \(path): run `swift build` first"
        case .didNotStart(let output): "the server did not start; it printed: \(output)"
        }
    }
}
