import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing

@testable import SwitchboardCore
@testable import SwitchboardWorkers

/// Attempt error kinds come from the transport error's type and case, never from its wording.
@Suite struct TransportErrorTests {
    /// An error whose description says every word the old text search looked for.
    struct Misleading: Error, CustomStringConvertible {
        var description: String { "ssl tls dns timeout deadline connection refused reset closed getaddrinfo" }
    }

    // MARK: unit: one error value per kind

    @Test func timeouts() {
        let errors: [any Error] = [
            HTTPClientError.connectTimeout, HTTPClientError.readTimeout, HTTPClientError.writeTimeout,
            HTTPClientError.deadlineExceeded, HTTPClientError.tlsHandshakeTimeout, HTTPClientError.getConnectionFromPoolTimeout,
            ChannelError.connectTimeout(.milliseconds(300)), IOError(errnoCode: ETIMEDOUT, reason: "connect"),
        ]
        for error in errors { #expect(TransportErrors.kind(of: error) == .timeout, "\(error)") }
    }

    @Test func connectionFailures() {
        let errors: [any Error] = [
            HTTPClientError.remoteConnectionClosed, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof,
            IOError(errnoCode: ECONNREFUSED, reason: "connect"), IOError(errnoCode: ECONNRESET, reason: "read"),
            IOError(errnoCode: EHOSTUNREACH, reason: "connect"), IOError(errnoCode: ENETUNREACH, reason: "connect"),
            IOError(errnoCode: EPIPE, reason: "write"), NIOSSLError.uncleanShutdown,
        ]
        for error in errors { #expect(TransportErrors.kind(of: error) == .connection, "\(error)") }
    }

    @Test func dnsFailures() {
        // NIOConnectionError and SocketAddressError.UnknownHost cannot be built outside NIO.
        #expect(TransportErrors.kind(of: SocketAddressError.unsupported) == .dns)
    }

    @Test func tlsFailures() {
        let errors: [any Error] = [
            NIOSSLError.handshakeFailed(.sslError([])), NIOSSLError.unableToValidateCertificate, NIOSSLError.noCertificateToValidate,
            NIOSSLError.cannotMatchULabel, BoringSSLError.sslError([]), NIOSSLExtraError.failedToValidateHostname,
            HTTPClientError.serverOfferedUnsupportedApplicationProtocol("h3"),
        ]
        for error in errors { #expect(TransportErrors.kind(of: error) == .tls, "\(error)") }
    }

    @Test func refusedAddresses() {
        let errors: [any Error] = [
            HTTPClientError.invalidURL, HTTPClientError.emptyHost, HTTPClientError.emptyScheme, HTTPClientError.missingSocketPath,
            HTTPClientError.unsupportedScheme("ftp"), SocketAddressError.failedToParseIPString("1.2.3"),
        ]
        for error in errors { #expect(TransportErrors.kind(of: error) == .refusedAddress, "\(error)") }
    }

    @Test func redirects() {
        #expect(TransportErrors.kind(of: HTTPClientError.redirectLimitReached) == .redirect)
        #expect(TransportErrors.kind(of: HTTPClientError.redirectCycleDetected) == .redirect)
    }

    @Test func everythingElseIsOther() {
        let errors: [any Error] = [
            Misleading(), CancellationError(), HTTPClientError.cancelled, HTTPClientError.bodyLengthMismatch,
            HTTPClientError.invalidHeaderFieldNames(["timeout"]), ChannelError.operationUnsupported, IOError(errnoCode: EMFILE, reason: "socket"),
        ]
        for error in errors { #expect(TransportErrors.kind(of: error) == .other, "\(error)") }
    }

    // MARK: live: through WebhookSender.send on loopback

    static let sender = WebhookSender(client: WebhookSender.sharedClient, addressGuard: AddressGuard(allowPrivate: true))

    static func request(_ url: String) -> RenderedRequest {
        RenderedRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
    }

    @Test(.timeLimit(.minutes(3)))
    func refusedConnectionIsConnection() async throws {
        let closed = try RefusingPort()
        let result = await Self.sender.send(Self.request("http://127.0.0.1:\(closed.port)/"), timeoutMs: 5000)
        #expect(result.status == nil)
        #expect(result.error == .connection, "\(result)")
    }

    @Test(.timeLimit(.minutes(3)))
    func silentServerIsTimeout() async throws {
        let silent = try RawServer(host: "127.0.0.1") { connection in
            _ = connection.readRequest()
            _ = connection.waitForPeerClose(timeout: .seconds(30))
        }
        defer { silent.stop() }
        let result = await Self.sender.send(Self.request("http://127.0.0.1:\(silent.port)/"), timeoutMs: 300)
        #expect(result.status == nil)
        #expect(result.error == .timeout, "\(result)")
        #expect(result.durationMs < 5000, "\(result)")
    }

    @Test(.timeLimit(.minutes(3)))
    func plainHTTPAnsweringHTTPSIsTLS() async throws {
        let plain = try RawServer(host: "127.0.0.1") { connection in
            connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            _ = connection.waitForPeerClose(timeout: .seconds(5))
        }
        defer { plain.stop() }
        let result = await Self.sender.send(Self.request("https://127.0.0.1:\(plain.port)/"), timeoutMs: 5000)
        #expect(result.status == nil)
        #expect(result.error == .tls, "\(result)")
    }
}
