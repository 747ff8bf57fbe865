@testable import SwitchboardCore
import Testing

@Suite struct RenderedRequestTests {
    /// A header value rendered from event data cannot split the request: CR, LF and NUL are dropped.
    @Test func headerValuesLoseLineBreaks() {
        var request = RenderedRequest(method: "POST", url: "https://example.com/", headers: [], body: [])
        request.setHeader("X-User", "a\r\nX-Injected: 1\0b")
        request.setHeader("X-Plain", "héllo, world")
        request.setHeader("x-plain", "replaced")
        #expect(request.header("X-User") == "aX-Injected: 1b")
        #expect(request.header("X-PLAIN") == "replaced")
        #expect(request.headers.count == 2)
    }
}
