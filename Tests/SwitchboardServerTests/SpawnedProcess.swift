import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`: Foundation's `Process.run()` crashed inside the
/// test run (a copy through a bad pointer) while several tests launched processes at once, even
/// one launch at a time; `posix_spawn` is safe from any thread.
final class SpawnedProcess: Sendable {
    /// Where one of the child's output streams goes.
    enum Stream {
        /// A pipe whose read end is `output` or `errors`.
        case pipe
        case discard
        /// Standard error only: into the same place as standard output.
        case sameAsOutput
    }

    /// How the child ended.
    enum Ending: Equatable {
        case exit(Int32)
        case signal(Int32)
    }

    let pid: pid_t
    /// The read end of standard output, when it is a pipe.
    let output: FileHandle?
    /// The read end of standard error, when it is a pipe of its own.
    let errors: FileHandle?
    private let ending = Mutex<Ending?>(nil)
    private static let spawning = Mutex(())

    init(executable: String, arguments: [String], environment: [String: String], output: Stream = .pipe, errors: Stream = .discard) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        // Pipes are close-on-exec on the parent's side, so no other child holds them open (a reader
        // would never see their end); dup2 gives the child a plain copy. Glibc's pipe2 is not
        // imported, so pipe and fcntl run under the same lock as every spawn.
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        func redirect(_ stream: Stream, to descriptor: Int32, pipe: inout [Int32]) throws {
            switch stream {
            case .pipe:
                guard Glibc.pipe(&pipe) == 0 else { throw SpawnError.failed("pipe", errno) }
                _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pipe[1], F_SETFD, FD_CLOEXEC)
                posix_spawn_file_actions_adddup2(&actions, pipe[1], descriptor)
            case .discard:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .sameAsOutput:
                posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
            }
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let status = try Self.spawning.withLock { _ in
            try redirect(output, to: 1, pipe: &outputPipe)
            try redirect(errors, to: 2, pipe: &errorPipe)
            return posix_spawn(&pid, executable, &actions, nil, argv, envp)
        }
        for descriptor in [outputPipe[1], errorPipe[1]] where descriptor >= 0 { close(descriptor) }
        guard status == 0 else {
            for descriptor in [outputPipe[0], errorPipe[0]] where descriptor >= 0 { close(descriptor) }
            throw SpawnError.failed("posix_spawn \(executable)", status)
        }
        self.pid = pid
        self.output = outputPipe[0] >= 0 ? FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true) : nil
        self.errors = errorPipe[0] >= 0 ? FileHandle(fileDescriptor: errorPipe[0], closeOnDealloc: true) : nil
    }

    /// Whether the child is still running; reaps it once it has ended.
    var isRunning: Bool {
        ending.withLock { ending in
            guard ending == nil else { return false }
            var status: Int32 = 0
            switch waitpid(pid, &status, WNOHANG) {
            case 0: return true
            case pid: ending = Self.ending(status); return false
            default: return false
            }
        }
    }

    /// Blocks until the child ends; call it on a thread of its own, never on the tasks' shared threads.
    @discardableResult
    func waitForExit() -> Ending {
        while true {
            if let ended = ending.withLock({ $0 }) { return ended }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, 0)
            if reaped == pid {
                let ended = Self.ending(status)
                ending.withLock { $0 = ended }
                return ended
            }
            if reaped == -1, errno != EINTR {
                // Reaped by `isRunning` on another thread meanwhile.
                if let ended = ending.withLock({ $0 }) { return ended }
                return .signal(0)
            }
        }
    }

    /// `waitForExit` on a thread of its own.
    func exit() async -> Ending {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.waitForExit()) }.start()
        }
    }

    func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Kills the child and reaps it.
    func kill() {
        guard isRunning else { return }
        _ = Glibc.kill(pid, SIGKILL)
        waitForExit()
    }

    /// The exit code or the signal from a `waitpid` status (the C macros are not imported).
    private static func ending(_ status: Int32) -> Ending {
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }

    /// Runs a command to its end on a thread of its own, both streams read at once so that neither
    /// pipe can fill and stall the other.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], errors: Stream = .pipe
    ) async throws -> (ending: Ending, output: String, errors: String) {
        let process = try SpawnedProcess(executable: executable, arguments: arguments, environment: environment, output: .pipe, errors: errors)
        return await withCheckedContinuation { continuation in
            Thread {
                let errorText = Mutex("")
                let errorsRead = DispatchSemaphore(value: 0)
                Thread {
                    let text = process.errors.map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
                    errorText.withLock { $0 = text }
                    errorsRead.signal()
                }.start()
                let output = process.output.map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
                let ending = process.waitForExit()
                errorsRead.wait()
                continuation.resume(returning: (ending, output, errorText.withLock { $0 }))
            }.start()
        }
    }
}

enum SpawnError: Error, CustomStringConvertible {
    case failed(String, Int32)

    var description: String {
        switch self {
        case .failed(let what, let code): "\(what) failed: \(String(cString: strerror(code)))"
        }
    }
}

extension SpawnedProcess.Ending {
    /// The exit code, or -1 for a child a signal ended.
    var status: Int32 {
        if case .exit(let code) = self { return code }
        return -1
    }
}
