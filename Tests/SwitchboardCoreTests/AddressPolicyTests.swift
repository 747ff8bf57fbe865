import SwitchboardCore
import Testing

@Suite struct AddressPolicyTests {
    static let refused: [(String, AddressPolicy.Refusal)] = [
        ("127.0.0.1", .loopback), ("127.9.9.9", .loopback), ("::1", .loopback),
        ("10.0.0.1", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.1.1", .private),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal),
        ("fc00::1", .uniqueLocal), ("fd12:3456:789a::1", .uniqueLocal),
        ("0.0.0.0", .unspecified), ("::", .unspecified),
        ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .linkLocal), ("::ffff:7f00:1", .loopback),
        ("224.0.0.1", .multicast), ("ff02::1", .multicast), ("not an address", .reserved),
    ]

    @Test(arguments: refused)
    func privateAddressesAreRefused(address: String, refusal: AddressPolicy.Refusal) {
        #expect(AddressPolicy.refusal(for: address) == refusal)
    }

    /// One address in (and at the edges of) each range of the IANA special-purpose registries that is not globally reachable.
    static let specialPurpose: [(String, AddressPolicy.Refusal)] = [
        // IPv4
        ("0.1.2.3", .unspecified), ("0.255.255.255", .unspecified),  // 0.0.0.0/8 "this network"
        ("100.64.0.0", .private), ("100.127.255.255", .private),  // 100.64.0.0/10 shared address space
        ("192.0.0.0", .reserved), ("192.0.0.8", .reserved), ("192.0.0.170", .reserved), ("192.0.0.255", .reserved),  // 192.0.0.0/24 IETF protocol assignments
        ("192.0.2.0", .documentation), ("192.0.2.255", .documentation),  // TEST-NET-1
        ("198.51.100.1", .documentation), ("203.0.113.254", .documentation),  // TEST-NET-2 and -3
        ("198.18.0.0", .benchmarking), ("198.19.255.255", .benchmarking),  // 198.18.0.0/15
        ("192.88.99.1", .reserved),  // deprecated 6to4 relay anycast
        ("240.0.0.1", .reserved), ("255.255.255.255", .reserved),  // reserved, limited broadcast
        ("239.255.255.255", .multicast),
        // IPv6
        ("::ffff:0.0.0.0", .unspecified), ("::ffff:10.0.0.1", .private),  // IPv4-mapped: judged by the IPv4 address
        ("::7f00:1", .reserved), ("::a00:1", .reserved), ("::ffff:0:7f00:1", .reserved),  // deprecated IPv4-compatible, SIIT
        ("64:ff9b::7f00:1", .loopback), ("64:ff9b::10.1.2.3", .private), ("64:ff9b::a9fe:a9fe", .linkLocal),  // NAT64 of refused IPv4
        ("64:ff9b:1::808:808", .reserved), ("64:ff9b:1:ffff::1", .reserved),  // local-use NAT64 64:ff9b:1::/48
        ("100::", .reserved), ("100::ffff:ffff:ffff:ffff", .reserved), ("100:0:0:1::1", .reserved),  // discard-only, dummy prefix
        ("2001::1", .reserved), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", .reserved),  // Teredo 2001::/32
        ("2001:1::1", .reserved), ("2001:10::1", .reserved), ("2001:1ff:ffff::1", .reserved),  // the rest of 2001::/23
        ("2001:2::1", .benchmarking), ("2001:2:0:ffff::1", .benchmarking),  // 2001:2::/48
        ("2001:db8::1", .documentation), ("2001:db8:ffff:ffff::1", .documentation), ("3fff::1", .documentation), ("3fff:fff::1", .documentation),
        ("2002:7f00:1::1", .loopback), ("2002:a00:1::", .private), ("2002:c0a8:101::1", .private),  // 6to4 of refused IPv4
        ("5f00::1", .reserved),  // SRv6 SIDs
        ("fec0::1", .siteLocal), ("feff:ffff::1", .siteLocal),  // fec0::/10
        ("febf::1", .linkLocal),
        ("4000::1", .reserved), ("e000::1", .reserved),  // outside 2000::/3
    ]

    @Test(arguments: specialPurpose)
    func specialPurposeRangesAreRefused(address: String, refusal: AddressPolicy.Refusal) {
        #expect(AddressPolicy.refusal(for: address) == refusal)
    }

    @Test(arguments: [
        "93.184.216.34", "8.8.8.8", "172.32.0.1", "100.63.255.255", "100.128.0.0", "192.0.1.255", "192.0.3.0", "198.17.255.255", "198.20.0.0",
        "192.31.196.1", "192.52.193.1", "192.175.48.1", "223.255.255.255",
        "2606:2800:220:1:248:1893:25c8:1946", "[2001:200::1]", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2001:db9::1",
        "2620:4f:8000::1", "3fff:1000::1", "2001:200::1",
    ])
    func publicAddressesPass(address: String) {
        #expect(AddressPolicy.refusal(for: address) == nil)
    }

    /// Forms some resolvers read as octal, hex or shortened are not address literals: they are resolved, then checked.
    @Test(arguments: ["012.0.0.1", "0177.0.0.1", "127.1", "0x7f.0.0.1", "2130706433", "127.0.0.1.", "1.2.3.4 ", "+1.2.3.4", "::+1"])
    func onlyStrictLiteralsAreAddresses(text: String) {
        #expect(AddressPolicy.bytes(of: text) == nil)
    }

    @Test func addressRanges() throws {
        let loopbackHost = try #require(AddressRange("127.0.0.2"))
        #expect(loopbackHost.description == "127.0.0.2/32")
        #expect(loopbackHost.contains([127, 0, 0, 2]) && !loopbackHost.contains([127, 0, 0, 1]))
        let office = try #require(AddressRange(" 10.20.30.99/23 "))
        #expect(office.description == "10.20.30.0/23")
        #expect(office.contains([10, 20, 31, 255]) && !office.contains([10, 20, 32, 0]))
        // An IPv4-mapped IPv6 address is in the IPv4 network it maps.
        let mapped = try #require(AddressPolicy.bytes(of: "::ffff:10.20.30.1"))
        #expect(office.contains(mapped))
        let unique = try #require(AddressRange("fd00::/8"))
        let inside = try #require(AddressPolicy.bytes(of: "fd12::1"))
        let outside = try #require(AddressPolicy.bytes(of: "fc00::1"))
        #expect(unique.contains(inside) && !unique.contains(outside))
        #expect(!unique.contains([10, 0, 0, 1]))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains([8, 8, 8, 8]))
        for bad in ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "example.com/8", "10.0.0.0/", "10.0.0.0/-1", "/8", ""] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func onlyHTTPAndHTTPSURLsWithAHost() {
        for good in ["http://a.example/x", "HTTPS://a.example", "https://user:pw@a.example:8443/x?y#z", "http://[::1]:80/", "http://127.0.0.1"] {
            #expect(DestinationURL.hasWebScheme(good) && DestinationURL.problem(good) == nil, "\(good)")
        }
        for bad in [
            "http+unix://%2Frun%2Fx.sock/info", "unix:///run/x.sock", "https+unix://%2Fx/", "ftp://a.example/", "http:///x", "http://:80/", "http:a.example",
            " http://a.example/", "http//a.example", "file:///etc/passwd", "http://user@/x", "", "http://",
        ] {
            #expect(DestinationURL.problem(bad) != nil, "\(bad)")
        }
        for compatible in ["", "h", "HTTP", "https:/", "http://", "https://a.example/", "http://{"] {
            #expect(DestinationURL.prefixProblem(compatible) == nil, "\(compatible)")
        }
        for incompatible in ["u", "unix:", "http+unix://", "httpx", "ftp://", "//a.example/", "http:///", "https://?"] {
            #expect(DestinationURL.prefixProblem(incompatible) != nil, "\(incompatible)")
        }
    }

    @Test func namesAreNormalisedBeforeChecking() {
        #expect(DestinationURL.normalizedHost("LOCALHOST.") == "localhost")
        #expect(DestinationURL.normalizedHost("127.0.0.1..") == "127.0.0.1")
        #expect(DestinationURL.normalizedHost("Hooks.Example.COM") == "hooks.example.com")
    }

    @Test func headerValuesAreJudgedAsBytes() {
        for good in ["", "Bearer abc", "a \t b", "caf\u{E9}", "\u{2713}", "!#$%&'*+-.^_`|~"] {
            #expect(HeaderValue.problem(good) == nil, "\(good.debugDescription)")
        }
        for bad in ["a\r\nb", "a\nb", "a\rb", "a\u{0}b", "a\u{7F}", "\u{1}", " a", "a ", "\ta", "a\t"] {
            #expect(HeaderValue.problem(bad) != nil, "\(bad.debugDescription)")
        }
    }

    @Test func mappingURLsAndHeadersAreValidatedAtSave() throws {
        #expect(throws: ValidationError.self) { try Mapping(validating: ["url": "http+unix://%2Frun%2Fx.sock/info"]) }
        #expect(throws: ValidationError.self) { try Mapping(validating: ["url": "unix://{{ userId }}"]) }
        #expect(throws: ValidationError.self) { try Mapping(validating: ["headers": ["X-A": "a\r\n{{ userId }}"]]) }
        _ = try Mapping(validating: ["url": "https://a.example/{{ userId }}", "headers": ["X-A": "user {{ userId }}"]])
        let error = #expect(throws: ValidationError.self) { try Mapping(validating: ["url": "unix:///x"]) }
        #expect(error?.field == "mapping.url")
    }
}
