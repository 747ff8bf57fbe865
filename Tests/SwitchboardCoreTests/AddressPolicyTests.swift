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

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:2800:220:1:248:1893:25c8:1946", "[2001:db8::1]", "::ffff:8.8.8.8"])
    func publicAddressesPass(address: String) {
        #expect(AddressPolicy.refusal(for: address) == nil)
    }
}
