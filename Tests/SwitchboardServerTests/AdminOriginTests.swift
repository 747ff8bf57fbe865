import Testing

@testable import SwitchboardAdmin

/// Which `Origin` a state-changing admin request may come from.
@Suite struct AdminOriginTests {
    @Test func theOriginMustBeThisHostOrThePublicURL() {
        #expect(OriginCheckMiddleware.accepts(origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080", publicOrigin: nil))
        #expect(OriginCheckMiddleware.accepts(origin: "HTTPS://Admin.Example.com", host: "admin.example.com", publicOrigin: nil))
        #expect(!OriginCheckMiddleware.accepts(origin: "https://evil.example", host: "admin.example.com", publicOrigin: nil))
        #expect(!OriginCheckMiddleware.accepts(origin: "https://admin.example.com.evil.example", host: "admin.example.com", publicOrigin: nil))
        #expect(!OriginCheckMiddleware.accepts(origin: "null", host: "admin.example.com", publicOrigin: nil))
        #expect(!OriginCheckMiddleware.accepts(origin: "http://127.0.0.1:8080", host: nil, publicOrigin: nil))
        // Behind a proxy the Host may be internal: the public URL's origin is accepted.
        #expect(OriginCheckMiddleware.accepts(origin: "https://sb.example.com", host: "10.0.0.5:8080", publicOrigin: "https://sb.example.com"))
    }

    @Test func thePublicURLsOriginIsItsSchemeAndHost() {
        #expect(OriginCheckMiddleware.origin(of: "https://sb.example.com:8443/base/") == "https://sb.example.com:8443")
        #expect(OriginCheckMiddleware.origin(of: "http://localhost:8080") == "http://localhost:8080")
        #expect(OriginCheckMiddleware.origin(of: "not a url") == nil)
    }

    @Test func tokensCompareWhole() {
        #expect(AdminSignedInMiddleware.same("abc", "abc"))
        #expect(!AdminSignedInMiddleware.same("abc", "abd"))
        #expect(!AdminSignedInMiddleware.same("abc", "abcd"))
        #expect(!AdminSignedInMiddleware.same("", "a"))
    }
}

/// Ages as the dashboard shows them, from any number, never trapping.
@Suite struct AdminFormatTests {
    @Test func agesReadRoughlyAndHostileNumbersDoNotTrap() {
        #expect(AdminFormat.age(42) == "42 s")
        #expect(AdminFormat.age(180) == "3 min")
        #expect(AdminFormat.age(7200) == "2 h")
        #expect(AdminFormat.age(3 * 86_400) == "3 days")
        #expect(AdminFormat.age(.nan) == "0 s")
        #expect(AdminFormat.age(-.infinity) == "0 s")
        #expect(AdminFormat.age(.infinity) == "1000000000 days")
    }
}
