import Foundation
import SwitchboardCore
import Testing

@Suite struct ExpiringCacheTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func valuesExpireAfterTheirLifetime() {
        var cache = ExpiringCache<String, Int>(lifetime: 30, capacity: 10)
        cache.insert(1, for: "a", now: start)
        #expect(cache.value(for: "a", now: start.addingTimeInterval(29.9)) == 1)
        #expect(cache.value(for: "a", now: start.addingTimeInterval(30)) == nil)
        #expect(cache.value(for: "b", now: start) == nil)
        // Storing again starts a new lifetime.
        cache.insert(2, for: "a", now: start.addingTimeInterval(30))
        #expect(cache.value(for: "a", now: start.addingTimeInterval(59)) == 2)
    }

    @Test func aFullCacheDropsExpiredEntriesFirst() {
        var cache = ExpiringCache<String, Int>(lifetime: 10, capacity: 3)
        cache.insert(1, for: "old", now: start)
        cache.insert(2, for: "b", now: start.addingTimeInterval(5))
        cache.insert(3, for: "c", now: start.addingTimeInterval(5))
        cache.insert(4, for: "d", now: start.addingTimeInterval(11))
        #expect(cache.count == 3)
        #expect(cache.value(for: "b", now: start.addingTimeInterval(11)) == 2)
        #expect(cache.value(for: "d", now: start.addingTimeInterval(11)) == 4)
    }

    @Test func aCacheFullOfLiveEntriesNeverGrowsPastItsCapacity() {
        var cache = ExpiringCache<Int, Int>(lifetime: 60, capacity: 100)
        for key in 0..<1_000 {
            cache.insert(key, for: key, now: start)
            #expect(cache.count <= 100)
        }
        #expect(cache.value(for: 999, now: start) == 999)
    }
}
