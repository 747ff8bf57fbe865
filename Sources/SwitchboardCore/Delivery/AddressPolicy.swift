import Foundation

/// Which IP addresses webhooks may go to: not loopback, private, link-local (the cloud
/// metadata address among them), unique-local, unspecified or multicast, unless allowed.
public enum AddressPolicy {
    public enum Refusal: String, Sendable {
        case loopback, `private`, linkLocal = "link-local", uniqueLocal = "unique-local", unspecified, multicast, reserved
    }

    /// Why the address is refused, or nil when it is public. Takes dotted IPv4 or IPv6 text.
    public static func refusal(for address: String) -> Refusal? {
        if let v4 = ipv4(address) { return refusal(v4: v4) }
        if let v6 = ipv6(address) { return refusal(v6: v6) }
        return .reserved  // not an address we understand: refuse rather than guess
    }

    static func refusal(v4 bytes: [UInt8]) -> Refusal? {
        switch (bytes[0], bytes[1]) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .private
        case (100, 64...127): return .private  // carrier-grade NAT
        case (169, 254): return .linkLocal
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return nil
        }
    }

    static func refusal(v6 bytes: [UInt8]) -> Refusal? {
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }), bytes[15] == 1 { return .loopback }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses carry an IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), (bytes[10] == 0xFF && bytes[11] == 0xFF) || (bytes[10] == 0 && bytes[11] == 0) {
            return refusal(v4: Array(bytes[12..<16]))
        }
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return .linkLocal }
        if bytes[0] & 0xFE == 0xFC { return .uniqueLocal }
        if bytes[0] == 0xFF { return .multicast }
        return nil
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
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
            guard let v4 = ipv4(String(text[text.index(after: lastColon)...])) else { return nil }
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
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
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
