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
    init(database: String, environment: [String: String] = [:]) throws {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ServerProcessError.notBuilt(binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--database", database]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process

        // Read stdout until the "listening" line, with a deadline.
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if text[range.upperBound...].dropFirst(digits.count).first == "\n" { port = Int(digits) }
            }
        }
        guard let port else {
            process.terminate()
            throw ServerProcessError.didNotStart(text)
        }
        self.port = port
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
