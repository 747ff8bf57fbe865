import Foundation
import SwitchboardCore
import Testing

@Suite struct IdentifierTests {
    @Test func idsArePrefixedAndWellFormed() {
        let id = IdentifierGenerator().make(.event)
        #expect(id.hasPrefix("evt_"))
        #expect(id.count == 30)
        #expect(IdentifierGenerator.isWellFormed(id, kind: .event))
        #expect(!IdentifierGenerator.isWellFormed(id, kind: .source))
        #expect(!IdentifierGenerator.isWellFormed("evt_not-an-id", kind: .event))
    }

    @Test func idsSortInCreationOrderEvenWithinOneMillisecond() {
        let frozen = Date(timeIntervalSince1970: 1_800_000_000)
        let generator = IdentifierGenerator(now: { frozen })
        let ids = (0..<1000).map { _ in generator.make(.event) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func laterTimesSortLater() {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let generator = IdentifierGenerator(now: { clock.now })
        let first = generator.make(.source)
        clock.advance(by: 0.001)
        let second = generator.make(.source)
        #expect(first < second)
        #expect(first.prefix(14) != second.prefix(14))
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

import Synchronization
