import Foundation

/// A process the harness started: its output goes to files in the work folder, and it is
/// stopped (SIGTERM, then SIGKILL) by `stop()`, which the harness calls on every path out.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let outputPath: String
    let errorPath: String

    init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], folder: String) throws {
        self.name = name
        outputPath = "\(folder)/\(name).out"
        errorPath = "\(folder)/\(name).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits until a line of standard output matches the pattern; returns its first capture.
    func awaitOutput(matching pattern: String, timeout: Duration = .seconds(60)) async throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: 1), in: text)
            {
                return String(text[range])
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        throw BenchError("\(name) did not start (no line matching \(pattern)); its errors:\n\(errors.suffix(2000))")
    }

    /// Peak resident set size in bytes (VmHWM from /proc), nil when unavailable.
    func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
        return kilobytes.map { $0 * 1024 }
    }

    /// CPU time used so far, user and system, in seconds (from /proc), nil when unavailable.
    func cpuSeconds() -> Double? {
        cpuTimes().map { $0.user + $0.system }
    }

    /// CPU seconds in user space and in the kernel (system calls: the database's reads, writes and fsyncs).
    func cpuTimes() -> (user: Double, system: Double)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return nil }
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user / ticks, system / ticks)
    }

    /// SIGTERM, up to five seconds for a graceful exit, then SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A failure of the harness itself (not a slow result).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
