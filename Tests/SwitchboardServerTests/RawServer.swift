import Foundation
import Synchronization

/// A server on plain sockets (TCP or a unix socket), for answers no HTTP framework gives: a
/// body that trickles in or stalls, a close seen from the server side. Each connection runs
/// `handler` on a thread of its own; `stop()` ends them all and closes every socket.
final class RawServer: Sendable {
    /// One accepted connection, as the handler sees it.
    struct Connection: Sendable {
        let fd: Int32
        let server: RawServer

        var isStopped: Bool { server.stopped.load(ordering: .relaxed) }

        /// The request head (up to the blank line) and its body, or nil when the peer went away first.
        func readRequest() -> (head: String, body: [UInt8])? {
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                    let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                        let parts = line.split(separator: ":", maxSplits: 1)
                        guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                        return Int(parts[1].trimmingCharacters(in: .whitespaces))
                    }.first ?? 0
                    var body = Array(data[end.upperBound...])
                    while body.count < length {
                        guard let count = receive(&buffer) else { return nil }
                        body += buffer[..<count]
                    }
                    server.record(head)
                    return (head, body)
                }
                guard let count = receive(&buffer) else { return nil }
                data += buffer[..<count]
            }
        }

        /// Some bytes, waiting at most until the server stops; nil at the end of the stream.
        private func receive(_ buffer: inout [UInt8]) -> Int? {
            while !isStopped {
                guard wait(for: Int16(POLLIN), milliseconds: 50) else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                return count > 0 ? count : nil
            }
            return nil
        }

        /// Writes all the bytes; false when the peer has closed the connection.
        @discardableResult
        func write(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }

        @discardableResult
        func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// A whole response with `Connection: close`.
        func respond(status: String = "200 OK", body: String) {
            write("HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n\(body)")
        }

        /// Waits until the peer closes (or resets) the connection; false if it did not within the time.
        func waitForPeerClose(timeout: Duration) -> Bool {
            let deadline = ContinuousClock.now + timeout
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while ContinuousClock.now < deadline, !isStopped {
                guard wait(for: Int16(POLLIN), milliseconds: 50) else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return true }
            }
            return false
        }

        /// Sleeps up to `duration`, in short steps so that `stop()` is never kept waiting.
        func pause(_ duration: Duration) {
            let deadline = ContinuousClock.now + duration
            while ContinuousClock.now < deadline, !isStopped { usleep(20_000) }
        }

        private func wait(for events: Int16, milliseconds: Int32) -> Bool {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            return poll(&entry, 1, milliseconds) > 0
        }
    }

    private struct State {
        var accepted = 0
        var requests: [String] = []
        var events: [String] = []
    }

    let port: Int
    private let listener: Int32
    fileprivate let stopped = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let threads = DispatchGroup()

    /// Listens on `host` (an IPv4 address) and `port` (0: any free one).
    convenience init(host: String, port: Int = 0, handler: @escaping @Sendable (Connection) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawServerError.failed("socket", errno) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            let error = errno
            close(fd)
            throw RawServerError.failed("bind \(host):\(port)", error)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.init(listener: fd, port: Int(UInt16(bigEndian: address.sin_port)), handler: handler)
    }

    /// Listens on a unix socket at `path`.
    convenience init(unixPath path: String, handler: @escaping @Sendable (Connection) -> Void) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawServerError.failed("socket", errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw RawServerError.failed("path too long", 0) }
        withUnsafeMutableBytes(of: &address.sun_path) { pointer in
            for (index, byte) in bytes.enumerated() { pointer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            let error = errno
            close(fd)
            throw RawServerError.failed("bind \(path)", error)
        }
        self.init(listener: fd, port: 0, handler: handler)
    }

    private init(listener: Int32, port: Int, handler: @escaping @Sendable (Connection) -> Void) {
        self.listener = listener
        self.port = port
        threads.enter()
        Thread { [self] in
            defer {
                close(listener)
                threads.leave()
            }
            while !stopped.load(ordering: .relaxed) {
                var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 50) > 0 else { continue }
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { continue }
                state.withLock { $0.accepted += 1 }
                threads.enter()
                Thread { [self] in
                    defer {
                        close(fd)
                        threads.leave()
                    }
                    handler(Connection(fd: fd, server: self))
                }.start()
            }
        }.start()
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }
    /// The heads of the requests read so far.
    var requests: [String] { state.withLock { $0.requests } }
    /// What handlers noted (`note`), in order.
    var events: [String] { state.withLock { $0.events } }

    func note(_ event: String) { state.withLock { $0.events.append(event) } }

    fileprivate func record(_ head: String) { state.withLock { $0.requests.append(head) } }

    /// Stops accepting, ends every handler and closes every socket (waits up to 5 s for that).
    func stop() {
        stopped.store(true, ordering: .relaxed)
        _ = threads.wait(timeout: .now() + 5)
    }
}

enum RawServerError: Error, CustomStringConvertible {
    case failed(String, Int32)

    var description: String {
        switch self {
        case .failed(let what, let code): "\(what) failed (errno \(code))"
        }
    }
}

/// A loopback port bound but never listening: connecting to it is refused, and no other test's
/// server can be handed it meanwhile (a port freed by closing a listener can be, at once).
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RefusingPortError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw RefusingPortError.socket(errno)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

enum RefusingPortError: Error {
    case socket(Int32)
}
