import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import Testing

/// Calls the API of a real server process, as the in-process tests' `call` does.
extension ServerProcess {
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends a request; `json` goes as an application/json body; `key` as a Bearer key, `writeKey` as Basic.
    @discardableResult
    func call(
        _ method: HTTPMethod, _ path: String, key: String? = adminKey, writeKey: String? = nil, json: JSONValue? = nil,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: Int, json: JSONValue) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let writeKey {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(writeKey):".utf8).base64EncodedString())
        } else if let key {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: JSONCoding.data(json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = Array(try await response.body.collect(upTo: 1 << 22).readableBytesView)
        return (Int(response.status.code), bytes.isEmpty ? .null : try JSONCoding.parse(bytes, maximumDepth: .max))
    }

    /// Creates a resource and returns its JSON, failing the test unless it answered 201.
    func create(_ path: String, _ json: JSONValue, key: String = adminKey) async throws -> JSONValue {
        let response = try await call(.POST, path, key: key, json: json)
        #expect(response.status == 201, "POST \(path): \(response.json)")
        return response.json
    }

    /// Whether the process is still running (false once a test or a crash ended it).
    var isRunning: Bool { process.isRunning }
}
