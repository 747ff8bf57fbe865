import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The requests the harness sends: Segment events as analytics-node sends them.
struct Workload: Sendable {
    let baseURL: String
    let writeKey: String
    let batchSize: Int
    private let basicAuthorization: String

    init(baseURL: String, writeKey: String, batchSize: Int) {
        self.baseURL = baseURL
        self.writeKey = writeKey
        self.batchSize = batchSize
        basicAuthorization = "Basic " + Data("\(writeKey):".utf8).base64EncodedString()
    }

    /// A track event; without a messageId the server makes a new one, so a repeated body is new events.
    static func event(_ index: Int, messageId: String? = nil) -> String {
        let id = messageId.map { #""messageId":"\#($0)","# } ?? ""
        return #"{\#(id)"type":"track","userId":"user-\#(index % 100)","event":"Order Completed","properties":{"total":99.5,"currency":"EUR","items":\#(index % 7)},"context":{"library":{"name":"analytics-node","version":"1.3.0"}},"timestamp":"2026-11-23T12:00:00.000Z"}"#
    }

    /// One `/v1/batch` body of `batchSize` events, built once and sent again and again.
    func batchBody() -> ByteBuffer {
        let events = (0..<batchSize).map { Self.event($0) }.joined(separator: ",")
        return ByteBuffer(string: #"{"batch":[\#(events)],"sentAt":"2026-11-23T12:00:00.100Z"}"#)
    }

    func batchRequest(_ body: ByteBuffer) -> HTTPClientRequest {
        post("/v1/batch", body)
    }

    func trackRequest(_ body: ByteBuffer) -> HTTPClientRequest {
        post("/v1/track", body)
    }

    /// The no-op route of the same server stack: the ceiling for ingest.
    func noOpRequest() -> HTTPClientRequest {
        HTTPClientRequest(url: baseURL + "/healthz")
    }

    private func post(_ path: String, _ body: ByteBuffer) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: basicAuthorization)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        return request
    }
}
