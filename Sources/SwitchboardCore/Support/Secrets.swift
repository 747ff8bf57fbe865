import Crypto
import Foundation

/// Random tokens and their one-way hashes: API keys are stored only as a hash.
public enum Secrets {
    /// A new API key: `sbk_` followed by 48 hex characters (192 random bits).
    public static func newAPIKey() -> String {
        "sbk_" + randomHex(bytes: 24)
    }

    /// A new Segment-style write key: 32 hex characters (128 random bits).
    public static func newWriteKey() -> String {
        randomHex(bytes: 16)
    }

    /// SHA-256 of the key, hex: keys carry enough entropy that a slow hash adds nothing.
    public static func hash(apiKey: String) -> String {
        hex(SHA256.hash(data: Data(apiKey.utf8)))
    }

    public static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
