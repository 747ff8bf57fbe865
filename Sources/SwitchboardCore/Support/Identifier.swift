import Foundation
import Synchronization

/// The kinds of resource ids, each with its own prefix (`evt_`, `src_`, ...).
public struct IdentifierKind: Sendable, Hashable {
    public let prefix: String

    public static let workspace = IdentifierKind(prefix: "ws_")
    public static let apiKey = IdentifierKind(prefix: "key_")
    public static let source = IdentifierKind(prefix: "src_")
    public static let event = IdentifierKind(prefix: "evt_")
    public static let destination = IdentifierKind(prefix: "dst_")
    public static let subscription = IdentifierKind(prefix: "sub_")
    public static let delivery = IdentifierKind(prefix: "dlv_")
    public static let audience = IdentifierKind(prefix: "aud_")
    public static let sync = IdentifierKind(prefix: "syn_")
    public static let syncRun = IdentifierKind(prefix: "run_")
    public static let dateTrigger = IdentifierKind(prefix: "trg_")
}

/// Makes prefixed, time-sortable ids: 48 bits of milliseconds and 80 random bits in Crockford
/// base32 (as ULID), increasing within one process even inside one millisecond.
public final class IdentifierGenerator: Sendable {
    private struct State {
        var lastMilliseconds: UInt64 = 0
        var lastRandom: (high: UInt16, low: UInt64) = (0, 0)
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    public func make(_ kind: IdentifierKind) -> String {
        let milliseconds = UInt64(max(0, Int64(flooringSaturating: now().timeIntervalSince1970 * 1000) ?? 0))
        let (time, random) = state.withLock { state -> (UInt64, (UInt16, UInt64)) in
            if milliseconds > state.lastMilliseconds {
                state.lastMilliseconds = milliseconds
                state.lastRandom = (UInt16.random(in: 0...UInt16.max), UInt64.random(in: 0...UInt64.max))
            } else {
                // Same (or earlier) millisecond: count up so ids still sort in creation order.
                let (low, overflow) = state.lastRandom.low.addingReportingOverflow(1)
                state.lastRandom = (state.lastRandom.high &+ (overflow ? 1 : 0), low)
            }
            return (state.lastMilliseconds, state.lastRandom)
        }
        return kind.prefix + Self.encode(time: time, high: random.0, low: random.1)
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        var characters = [UInt8](repeating: 0, count: 26)
        // 10 characters of time (50 bits, top 2 zero), then 16 characters of randomness (80 bits).
        var value = time
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        var lowBits = low
        var highBits = UInt64(high)
        for index in stride(from: 25, through: 10, by: -1) {
            characters[index] = alphabet[Int(lowBits & 31)]
            lowBits = (lowBits >> 5) | ((highBits & 31) << 59)
            highBits >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether a string has the shape of an id of this kind (used to reject bad cursors early).
    public static func isWellFormed(_ text: String, kind: IdentifierKind) -> Bool {
        guard text.hasPrefix(kind.prefix) else { return false }
        let body = text.utf8.dropFirst(kind.prefix.utf8.count)
        return body.count == 26 && body.allSatisfy { alphabet.contains($0) }
    }
}
