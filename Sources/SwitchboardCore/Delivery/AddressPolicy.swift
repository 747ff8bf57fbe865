import Foundation

/// Which IP addresses webhooks may go to: only globally reachable unicast ones. Refused: every
/// range of the IANA IPv4 and IPv6 special-purpose registries that is not globally reachable
/// (loopback, private, shared, link-local with the cloud metadata address, unique-local,
/// site-local, documentation, benchmarking, discard, local-use NAT64, Teredo, ...), multicast,
/// and IPv6 outside global unicast (2000::/3). NAT64 (64:ff9b::/96), 6to4 (2002::/16) and
/// IPv4-mapped addresses are judged by the IPv4 address they carry.
public enum AddressPolicy {
    public enum Refusal: String, Sendable {
        case loopback, `private`, linkLocal = "link-local", uniqueLocal = "unique-local", siteLocal = "site-local", unspecified, multicast
        case documentation, benchmarking, reserved
    }

    /// Why the address is refused, or nil when it is public. Takes dotted IPv4 or IPv6 text.
    public static func refusal(for address: String) -> Refusal? {
        guard let bytes = bytes(of: address) else { return .reserved }  // not an address we understand: refuse rather than guess
        return refusal(bytes: bytes)
    }

    /// Why the address (4 or 16 bytes) is refused, or nil when it is public.
    public static func refusal(bytes: [UInt8]) -> Refusal? {
        switch bytes.count {
        case 4: refusal(v4: bytes)
        case 16: refusal(v6: bytes)
        default: .reserved
        }
    }

    /// The address's bytes (4 or 16), or nil when the text is not exactly an address. Strict like
    /// `inet_pton`: no leading zeros, octal, hex or short forms (those are names to resolve).
    public static func bytes(of address: String) -> [UInt8]? {
        ipv4(address) ?? ipv6(address)
    }

    static func refusal(v4 bytes: [UInt8]) -> Refusal? {
        switch (bytes[0], bytes[1], bytes[2]) {
        case (0, _, _): return .unspecified  // "this network"
        case (127, _, _): return .loopback
        case (10, _, _), (172, 16...31, _), (192, 168, _): return .private
        case (100, 64...127, _): return .private  // shared address space (carrier-grade NAT)
        case (169, 254, _): return .linkLocal
        case (192, 0, 0): return .reserved  // IETF protocol assignments
        case (192, 88, 99): return .reserved  // deprecated 6to4 relay anycast
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return .documentation
        case (198, 18...19, _): return .benchmarking
        case (224...239, _, _): return .multicast
        case (240...255, _, _): return .reserved  // reserved and the limited broadcast address
        default: return nil
        }
    }

    static func refusal(v6 bytes: [UInt8]) -> Refusal? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }), bytes[15] == 1 { return .loopback }
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address they carry.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return refusal(v4: Array(bytes[12..<16])) }
        if starts([0x00, 0x64, 0xFF, 0x9B]), bytes[4..<12].allSatisfy({ $0 == 0 }) { return refusal(v4: Array(bytes[12..<16])) }
        // 6to4 reaches the IPv4 address in bits 16-47.
        if starts([0x20, 0x02]) { return refusal(v4: Array(bytes[2..<6])) }
        if starts([0x20, 0x01, 0x0D, 0xB8]) || (starts([0x3F, 0xFF]) && bytes[2] & 0xF0 == 0) { return .documentation }
        if starts([0x20, 0x01, 0x00, 0x02, 0x00, 0x00]) { return .benchmarking }
        // 2001::/23: IETF protocol assignments, Teredo (2001::/32) among them.
        if starts([0x20, 0x01]), bytes[2] & 0xFE == 0 { return .reserved }
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return .linkLocal }
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0xC0 { return .siteLocal }
        if bytes[0] & 0xFE == 0xFC { return .uniqueLocal }
        if bytes[0] == 0xFF { return .multicast }
        // Only 2000::/3 is global unicast: the rest (IPv4-compatible, discard 100::/64, local-use NAT64 64:ff9b:1::/48, SRv6 5f00::/16, ...) is not.
        if bytes[0] & 0xE0 != 0x20 { return .reserved }
        return nil
    }

    static func ipv4(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // A leading zero means octal to some resolvers: such text is a name, resolved and checked as one.
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        var tail: [UInt8] = []
        // A trailing dotted IPv4 part (::ffff:127.0.0.1).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = ipv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix(":"), !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, group.utf8.allSatisfy({ UInt8(ascii: "+") != $0 && UInt8(ascii: "-") != $0 }),
                    let value = UInt16(group, radix: 16)
                else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]), let rest = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let wanted = 8 - tail.count / 2
        let fill = wanted - head.count - rest.count
        guard halves.count == 2 ? fill >= 1 : fill == 0 else { return nil }
        let all = head + [UInt16](repeating: 0, count: max(fill, 0)) + rest
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tail
    }
}

/// A network in CIDR form (`10.0.0.0/8`, `fd00::/8`; a bare address is one host): the
/// operator's exceptions to the address policy.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    public let prefix: [UInt8]
    public let length: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = AddressPolicy.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bytes.count * 8).contains(given) else { return nil }
            length = given
        } else {
            length = bytes.count * 8
        }
        // Bits past the prefix length are cleared, so 10.1.2.3/8 means 10.0.0.0/8.
        prefix = bytes.enumerated().map { index, byte in
            let kept = min(max(length - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(UInt8(0xFF) >> kept)
        }
        self.length = length
    }

    /// Whether the address (4 or 16 bytes) is in the network; an IPv4-mapped IPv6 address counts as its IPv4 address.
    public func contains(_ address: [UInt8]) -> Bool {
        var address = address
        if address.count == 16, prefix.count == 4, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
            address = Array(address[12..<16])
        }
        guard address.count == prefix.count else { return false }
        for index in prefix.indices {
            let kept = min(max(length - index * 8, 0), 8)
            if kept == 0 { break }
            let mask = ~(UInt8(0xFF) >> kept)
            if address[index] & mask != prefix[index] { return false }
        }
        return true
    }

    public var description: String {
        let address: String
        if prefix.count == 4 {
            address = prefix.map(String.init).joined(separator: ".")
        } else {
            address = stride(from: 0, to: 16, by: 2).map { String(UInt16(prefix[$0]) << 8 | UInt16(prefix[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
        return "\(address)/\(length)"
    }
}

/// The URLs webhooks may be sent to: `http` or `https` with a host, nothing else (no unix
/// sockets, whatever a template renders).
public enum DestinationURL {
    /// Whether the text starts with `http://` or `https://` (any case) and a non-empty host: a
    /// byte scan, cheap enough for every send.
    public static func hasWebScheme(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        // `word` is lowercase; letters match in any case, other bytes exactly.
        func take(_ word: String) -> Bool {
            let matches = zip(bytes, word.utf8).allSatisfy { byte, wanted in
                byte == wanted || (wanted >= UInt8(ascii: "a") && wanted <= UInt8(ascii: "z") && byte | 0x20 == wanted)
            }
            guard bytes.count >= word.utf8.count, matches else { return false }
            bytes = bytes.dropFirst(word.utf8.count)
            return true
        }
        guard take("http") else { return false }
        _ = take("s")
        guard take("://") else { return false }
        // The authority ends at the path, query or fragment; the host follows any user info.
        let authority = bytes.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: "\\") }
        let host = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[authority.index(after: $0)...] } ?? authority
        return !(host.first.map { $0 == UInt8(ascii: ":") } ?? true)
    }

    /// Why the text can never be sent to, or nil.
    public static func problem(_ text: String) -> String? {
        host(of: text) == nil ? "url must be an absolute http or https URL with a host" : nil
    }

    /// The host of an http or https URL, as Foundation's `URL` (which the HTTP client uses) reads
    /// it, or nil when the text is no such URL.
    public static func host(of text: String) -> String? {
        guard hasWebScheme(text), let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, host != "[]"
        else { return nil }
        return host
    }

    /// Why no URL that starts with this fixed text can be sent to, or nil when some can.
    public static func prefixProblem(_ prefix: String) -> String? {
        let text = prefix.lowercased()
        for scheme in ["http://", "https://"] {
            if scheme.hasPrefix(text) { return nil }
            if text.hasPrefix(scheme) {
                return text.dropFirst(scheme.count).first.map { "/?#\\".contains($0) } == true ? "url must have a host" : nil
            }
        }
        return "url must start with http:// or https://"
    }

    /// The host as names are compared: lowercased, without trailing dots (`LOCALHOST.` is `localhost`).
    public static func normalizedHost(_ host: some StringProtocol) -> String {
        var name = Substring(host.lowercased())
        while name.hasSuffix(".") { name = name.dropLast() }
        return String(name)
    }
}
