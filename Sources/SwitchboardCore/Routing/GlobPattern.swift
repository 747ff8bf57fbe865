/// A `glob` pattern: `*` matches any run of characters, `?` any one character, everything else
/// itself (characters as Swift compares them: grapheme clusters, canonically equivalent).
///
/// Matching never backtracks. The pattern is split at its stars into segments; the first must
/// start the text, the last must end it, and each middle one is taken at its leftmost place after
/// the previous one (for `*`, leftmost is always right). Each segment is searched with a
/// bit-parallel scan (Shift-And) that keeps every partial match of the segment at once, so each
/// text position is looked at once per 64 characters of segment: `*a*a*a…b` or `*aaaa…b` against
/// a long text cost O(n·⌈m/64⌉), where the classic backtracking matcher costs O(n·m).
public struct GlobPattern: Sendable {
    /// A segment position that matches any one character (`?`).
    private static let anyOne: Int32 = -1

    /// Star-separated segments of symbol ids (or `anyOne`); one segment when there is no star.
    private let segments: [[Int32]]
    /// Symbol ids of the pattern's characters; every other character is `otherSymbol`.
    private let symbols: [Character: Int32]
    /// The same for single-byte characters, by byte: text of such characters skips hashing.
    private let byteSymbols: [Int32]
    private var otherSymbol: Int32 { Int32(symbols.count) }

    public init(_ pattern: String) {
        var symbols: [Character: Int32] = [:]
        var segments: [[Int32]] = [[]]
        for character in pattern {
            switch character {
            case "*": segments.append([])
            case "?": segments[segments.count - 1].append(Self.anyOne)
            default:
                let id = symbols[character] ?? Int32(symbols.count)
                symbols[character] = id
                segments[segments.count - 1].append(id)
            }
        }
        var byteSymbols = [Int32](repeating: Int32(symbols.count), count: 128)
        for (character, id) in symbols where character.utf8.count == 1 {
            byteSymbols[Int(character.utf8.first!)] = id
        }
        self.segments = segments
        self.symbols = symbols
        self.byteSymbols = byteSymbols
    }

    public func matches(_ text: String) -> Bool {
        var steps = 0
        return matches(text, steps: &steps)
    }

    /// Matches and adds the work done to `steps`: one per text character read and per 64-bit
    /// word of scan state updated (tests bound it; wall time would be flaky).
    func matches(_ text: String, steps: inout Int) -> Bool {
        let text = symbolize(text, steps: &steps)
        let n = text.count
        guard segments.count > 1 else { return n == segments[0].count && equal(segments[0], text, at: 0, steps: &steps) }
        let first = segments[0]
        let last = segments[segments.count - 1]
        guard n >= first.count + last.count, equal(first, text, at: 0, steps: &steps), equal(last, text, at: n - last.count, steps: &steps) else {
            return false
        }
        var position = first.count
        let end = n - last.count
        let middle = segments[1..<(segments.count - 1)]
        // One mask table for every segment, cleared after each: no allocation per segment.
        let words = ((middle.map(\.count).max() ?? 0) + 63) / 64
        var masks = [UInt64](repeating: 0, count: (symbols.count + 1) * words)
        for segment in middle where !segment.isEmpty {
            guard let found = leftmost(segment, in: text, from: position, to: end, masks: &masks, stride: words, steps: &steps) else { return false }
            position = found + segment.count
        }
        return true
    }

    /// The text as symbol ids; ASCII without CR (where each byte is one character) by table.
    private func symbolize(_ text: String, steps: inout Int) -> [Int32] {
        let utf8 = text.utf8
        steps += utf8.count
        // CR LF is the one ASCII pair Swift counts as a single character.
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            return utf8.map { byteSymbols[Int($0)] }
        }
        return text.map { symbols[$0] ?? otherSymbol }
    }

    private func equal(_ segment: [Int32], _ text: [Int32], at start: Int, steps: inout Int) -> Bool {
        steps += segment.count
        for (offset, symbol) in segment.enumerated() where symbol != Self.anyOne && symbol != text[start + offset] {
            return false
        }
        return true
    }

    /// Where `segment` first occurs wholly inside `text[from..<to]`, by Shift-And: bit i of the
    /// state says the last i+1 characters read match the segment's first i+1.
    /// `masks` comes all zero and is left so; `masks[symbol * stride + w]` holds word w of the
    /// segment positions that symbol satisfies while this segment is searched.
    private func leftmost(
        _ segment: [Int32], in text: [Int32], from: Int, to: Int, masks: inout [UInt64], stride: Int, steps: inout Int
    ) -> Int? {
        guard to - from >= segment.count else { return nil }
        let words = (segment.count + 63) / 64
        var anyMask = [UInt64](repeating: 0, count: words)
        for (index, symbol) in segment.enumerated() {
            let bit = UInt64(1) << UInt64(index % 64)
            if symbol == Self.anyOne {
                anyMask[index / 64] |= bit
            } else {
                masks[Int(symbol) * stride + index / 64] |= bit
            }
        }
        defer {
            for symbol in segment where symbol != Self.anyOne {
                for word in 0..<words { masks[Int(symbol) * stride + word] = 0 }
            }
        }
        let lastWord = (segment.count - 1) / 64
        let lastBit = UInt64(1) << UInt64((segment.count - 1) % 64)
        if words == 1 {
            let any = anyMask[0]
            var state: UInt64 = 0
            for position in from..<to {
                state = ((state << 1) | 1) & (masks[Int(text[position]) * stride] | any)
                if state & lastBit != 0 {
                    steps += position - from + 1
                    return position - segment.count + 1
                }
            }
            steps += to - from
            return nil
        }
        var state = [UInt64](repeating: 0, count: words)
        for position in from..<to {
            let base = Int(text[position]) * stride
            var carry: UInt64 = 1
            for word in 0..<words {
                let shifted = (state[word] << 1) | carry
                carry = state[word] >> 63
                state[word] = shifted & (masks[base + word] | anyMask[word])
            }
            if state[lastWord] & lastBit != 0 {
                steps += (position - from + 1) * words
                return position - segment.count + 1
            }
        }
        steps += (to - from) * words
        return nil
    }
}
