import Foundation

/// HTTP load from wrk (Debian's `wrk`): a generator faster than the servers it measures, so a
/// ceiling is the server's and not the client's. Absent, the phases that need it are skipped.
struct Wrk {
    let executable: String
    let folder: String

    /// `wrk` on the PATH, or nil.
    static func find(folder: String) -> Wrk? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/wrk") {
            return Wrk(executable: "\(directory)/wrk", folder: folder)
        }
        return nil
    }

    struct Result: Sendable {
        var requests: Int
        /// Answers that were not 2xx or 3xx, and socket errors: a phase with any is not a figure.
        var failed: Int
        var perSecond: Double
    }

    /// Runs wrk for `seconds` with `connections` connections, each request made by `script`'s
    /// `request()` (Lua), against `url`.
    func run(name: String, url: String, connections: Int, seconds: Int, script: String) async throws -> Result {
        let scriptPath = "\(folder)/\(name).lua"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let threads = min(2, connections)
        let process = try ChildProcess(
            name: "wrk-\(name)", executable: executable,
            arguments: ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "-s", scriptPath, url], folder: folder)
        while process.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        let output = (try? String(contentsOfFile: process.outputPath, encoding: .utf8)) ?? ""
        guard process.process.terminationStatus == 0, let result = Self.parse(output) else {
            let errors = (try? String(contentsOfFile: process.errorPath, encoding: .utf8)) ?? ""
            throw BenchError("wrk \(name) failed: \(output) \(errors)")
        }
        return result
    }

    /// The figures of wrk's report.
    static func parse(_ output: String) -> Result? {
        func number(after label: String) -> Double? {
            guard let line = output.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
            return line.components(separatedBy: label).last?.split(separator: " ").first.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let perSecond = number(after: "Requests/sec:"),
            let line = output.split(separator: "\n").first(where: { $0.contains(" requests in ") }),
            let requests = line.split(separator: " ").first.flatMap({ Int($0) })
        else { return nil }
        let socketErrors = output.split(separator: "\n").first { $0.contains("Socket errors:") }.map { line in
            line.split(separator: ",").compactMap { part in part.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        } ?? 0
        let non2xx = number(after: "Non-2xx or 3xx responses:").map { Int($0) } ?? 0
        return Result(requests: requests, failed: socketErrors + non2xx, perSecond: perSecond)
    }

    /// POSTs `body` to the URL's path.
    static func postScript(body: String) -> String {
        """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = \(luaString(body))
        """
    }

    /// POSTs one track event a request to `/v1/track`, each with a messageId of its own (a
    /// repeated one would be skipped as a duplicate and cost less).
    static func trackScript(writeKey: String) -> String {
        let authorization = "Basic " + Data("\(writeKey):".utf8).base64EncodedString()
        return """
            local thread_count = 0
            function setup(thread)
              thread:set("thread_id", thread_count)
              thread_count = thread_count + 1
            end
            local counter = 0
            function request()
              counter = counter + 1
              local body = '{"messageId":"wrk-' .. thread_id .. '-' .. counter .. '","type":"track","userId":"user-' .. (counter % 100) .. '","event":"Order Completed","properties":{"total":99.5,"currency":"EUR"},"timestamp":"2026-11-23T12:00:00.000Z"}'
              return wrk.format("POST", "/v1/track", {["Content-Type"] = "application/json", ["Authorization"] = \(luaString(authorization))}, body)
            end
            """
    }

    private static func luaString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
