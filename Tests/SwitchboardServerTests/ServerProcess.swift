import Foundation
import Synchronization
import Testing

/// The real `switchboard serve` binary in a child process, for tests that must kill it.
final class ServerProcess: Sendable {
    let process: Process
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
        let process = Process()
        let command = launcher + [binary.path, "serve", "--host", "127.0.0.1", "--database", database] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = Self.environment(environment)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try await ProcessLaunch.start(process)
        self.process = process
        // Until the "listening" line, or the end of its output.
        let text = await Self.read(output.fileHandleForReading) { Self.listeningPort($0) != nil }
        guard let port = Self.listeningPort(text) else {
            process.terminate()
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

    /// Runs a short command of the binary to its end and returns what it printed. The waiting is
    /// done on a thread of its own: blocking the few threads Swift's concurrency has would stall
    /// every other test's tasks (their HTTP deadlines passing before their requests even start).
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let process = Process()
                    process.executableURL = binary
                    process.arguments = arguments
                    process.environment = environment([:])
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = output
                    try ProcessLaunch.run(process)
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

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

/// Foundation's `Process.run()` is not safe to call from several threads at once on Linux (a test
/// run crashed inside it while commands and servers started in parallel): launches go one at a time.
enum ProcessLaunch {
    private static let lock = NSLock()

    static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }

    /// `run` on a thread of its own: waiting for another launch must not hold one of the few
    /// threads all tasks share.
    static func start(_ process: Process) async throws {
        nonisolated(unsafe) let launching = process
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try run(launching)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
