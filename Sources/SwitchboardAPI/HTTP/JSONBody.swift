import Foundation
import CompressNIO
import Hummingbird
import NIOCore
import SwitchboardCore

/// Reads a request body as JSON with the API's limits: size (also after gzip), content type
/// and nesting depth, each failing with its own error.
struct JSONBodyReader: Sendable {
    var maximumBytes: Int

    /// - Parameter allowTextPlain: ingest accepts `text/plain` too, as analytics.js sends with `sendBeacon`.
    func read(_ request: Request, allowTextPlain: Bool = false) async throws -> JSONValue {
        try JSONCoding.parse(try await readBytes(request, allowTextPlain: allowTextPlain).readableBytesView)
    }

    /// The body as received (after gzip), within the limits, not yet parsed: what signatures cover.
    func readBytes(_ request: Request, allowTextPlain: Bool = false) async throws -> ByteBuffer {
        try checkContentType(request, allowTextPlain: allowTextPlain)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBytes {
            throw APIError.payloadTooLarge(limit: maximumBytes)
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: maximumBytes)
        } catch is NIOTooManyBytesError {
            // A chunked body has no Content-Length: it is cut off as it streams past the limit.
            throw APIError.payloadTooLarge(limit: maximumBytes)
        }
        return try decode(buffer, encoding: request.headers[.contentEncoding])
    }

    private func checkContentType(_ request: Request, allowTextPlain: Bool) throws {
        // No content type at all is taken as JSON, as curl and some SDKs send it.
        guard let header = request.headers[.contentType] else { return }
        let mediaType = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let accepted =
            mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
            || (allowTextPlain && mediaType == "text/plain")
        if !accepted {
            throw APIError.unsupportedMediaType("the request body must be application/json, not \(mediaType)")
        }
    }

    private func decode(_ buffer: ByteBuffer, encoding: String?) throws -> ByteBuffer {
        switch encoding?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity":
            return buffer
        case "gzip", "x-gzip":
            var compressed = buffer
            let decompressed: ByteBuffer
            do {
                // One byte over the limit tells "too large" from "exactly the limit"; a limit of Int.max must not overflow.
                decompressed = try compressed.decompress(with: .gzip(), maxSize: maximumBytes < .max ? maximumBytes + 1 : .max)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError.payloadTooLarge(limit: maximumBytes)
            } catch {
                throw APIError.malformedJSON("the request body is not valid gzip")
            }
            if decompressed.readableBytes > maximumBytes { throw APIError.payloadTooLarge(limit: maximumBytes) }
            return decompressed
        case let other?:
            throw APIError.unsupportedMediaType("Content-Encoding \(other) is not supported; use gzip or none")
        }
    }
}
