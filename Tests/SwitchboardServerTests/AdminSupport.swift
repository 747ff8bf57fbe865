import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// A browser's view of the admin panel: the session cookie it was given, and pages as HTML.
struct AdminBrowser {
    let client: any TestClientProtocol
    var cookie: String?

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var html: String

        /// The CSRF token of the first form on the page.
        var csrf: String? {
            guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
        var location: String? { headers[.location] }
    }

    init(_ client: any TestClientProtocol) { self.client = client }

    /// Signs in with the key; fails the test unless it was accepted.
    static func signedIn(_ client: any TestClientProtocol, key: String = adminKey) async throws -> AdminBrowser {
        var browser = AdminBrowser(client)
        let page = try await browser.post("/admin/sign-in", ["key": key])
        #expect(page.status == .seeOther, "sign in: \(page.status)")
        #expect(browser.cookie != nil)
        return browser
    }

    mutating func get(_ uri: String) async throws -> Page {
        try await send(.get, uri, body: nil, headers: [:])
    }

    /// Posts a form as a browser would (the test puts in the CSRF token, or leaves it out).
    mutating func post(_ uri: String, _ fields: KeyValuePairs<String, String> = [:], origin: String? = nil) async throws -> Page {
        let body = fields.map { Self.escape($0.key) + "=" + Self.escape($0.value) }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        return try await send(.post, uri, body: ByteBuffer(string: body), headers: headers)
    }

    private mutating func send(_ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer?, headers: HTTPFields) async throws -> Page {
        var headers = headers
        if let cookie { headers[.cookie] = cookie }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        for value in response.headers[values: .setCookie] where value.hasPrefix("switchboard_admin=") {
            let pair = String(value.prefix { $0 != ";" })
            cookie = value.contains("Max-Age=0") || pair == "switchboard_admin=" ? nil : pair
        }
        return Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A clock a test moves by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date())
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
