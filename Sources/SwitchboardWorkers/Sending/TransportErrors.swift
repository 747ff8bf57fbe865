import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL
import SwitchboardCore

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The attempt error kind of a transport failure, from the error's type and case only: a
/// description carries hosts and library wording, neither of which is a contract.
enum TransportErrors {
    static func kind(of error: any Error) -> DeliveryErrorKind {
        switch error {
        case let error as HTTPClientError: return kind(of: error)
        case let error as NIOConnectionError: return kind(of: error)
        case let error as ChannelError: return kind(of: error)
        case let error as IOError: return kind(ofErrno: error.errnoCode)
        case let error as SocketAddressError: return kind(of: error)
        case is SocketAddressError.UnknownHost: return .dns
        case let error as NIOSSLError: return kind(of: error)
        // NIOSSLExtraError is hostname validation and SNI: the certificate or name did not fit.
        case is BoringSSLError, is NIOSSLExtraError: return .tls
        // Only the sender's own cancellation (shutdown) gets here: its deadline wins the race before.
        case is CancellationError: return .other
        default: return .other
        }
    }

    /// Kinds of the `HTTPClientError` values without a payload (the type is Equatable, not Hashable).
    private static let clientErrorKinds: [(HTTPClientError, DeliveryErrorKind)] = [
        (.connectTimeout, .timeout), (.readTimeout, .timeout), (.writeTimeout, .timeout),
        (.deadlineExceeded, .timeout), (.tlsHandshakeTimeout, .timeout), (.getConnectionFromPoolTimeout, .timeout),
        (.socksHandshakeTimeout, .timeout), (.httpProxyHandshakeTimeout, .timeout),
        (.remoteConnectionClosed, .connection), (.uncleanShutdown, .connection),
        // The guard lets none of these through; should one come, nothing was connected.
        (.invalidURL, .refusedAddress), (.emptyHost, .refusedAddress), (.emptyScheme, .refusedAddress),
        (.missingSocketPath, .refusedAddress),
        // Redirects are disallowed; AsyncHTTPClient reports a followed one with these.
        (.redirectLimitReached, .redirect), (.redirectCycleDetected, .redirect),
        // Our own cancellation (shutdown), not the destination's doing.
        (.cancelled, .other),
    ]

    static func kind(of error: HTTPClientError) -> DeliveryErrorKind {
        if let kind = clientErrorKinds.first(where: { $0.0 == error })?.1 { return kind }
        // Cases with a payload: shortDescription names the case and never includes the payload.
        switch error.shortDescription {
        case HTTPClientError.unsupportedScheme("").shortDescription: return .refusedAddress
        case HTTPClientError.serverOfferedUnsupportedApplicationProtocol("").shortDescription: return .tls
        default: return .other
        }
    }

    /// A failed connect: DNS when no address was tried, else the worst of the attempts.
    static func kind(of error: NIOConnectionError) -> DeliveryErrorKind {
        if error.connectionErrors.isEmpty { return .dns }
        let kinds = error.connectionErrors.map { kind(of: $0.error) }
        return kinds.contains(.timeout) ? .timeout : .connection
    }

    static func kind(of error: ChannelError) -> DeliveryErrorKind {
        switch error {
        case .connectTimeout: return .timeout
        case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed, .eof, .writeHostUnreachable:
            return .connection
        default: return .other
        }
    }

    static func kind(ofErrno code: CInt) -> DeliveryErrorKind {
        switch code {
        case ETIMEDOUT: return .timeout
        case ECONNREFUSED, ECONNRESET, ECONNABORTED, EHOSTUNREACH, ENETUNREACH, ENETDOWN, EHOSTDOWN, EPIPE, ENOTCONN:
            return .connection
        default: return .other
        }
    }

    static func kind(of error: SocketAddressError) -> DeliveryErrorKind {
        switch error {
        // A malformed literal or socket path: nothing was looked up or connected.
        case .failedToParseIPString, .unixDomainSocketPathTooLong: return .refusedAddress
        // `.unsupported` (an address family the lookup returned) and the deprecated `.unknown(host:port:)`.
        default: return .dns
        }
    }

    static func kind(of error: NIOSSLError) -> DeliveryErrorKind {
        switch error {
        // A ragged EOF after the handshake; AsyncHTTPClient itself treats it as a closed connection.
        case .uncleanShutdown: return .connection
        default: return .tls
        }
    }
}
