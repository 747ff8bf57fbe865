import Foundation
import SwitchboardCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_455_619.123)) == "2026-11-23T17:40:19.123Z")
    }

    @Test(arguments: [
        ("2026-11-23T17:40:19Z", 1_795_455_619.0),
        ("2026-11-23T17:40:19.5Z", 1_795_455_619.5),
        ("2026-11-23T18:40:19+01:00", 1_795_455_619.0),
        ("2026-11-23T12:40:19-0500", 1_795_455_619.0),
        ("2026-11-23", 1_795_392_000.0),
    ])
    func parsesRFC3339(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30", "2026-11-23T25:00:00Z", "2026-11-23T10:00:00", "2026-11-23T10:00:00Zjunk"])
    func rejectsWhatIsNotADate(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(try #require(Timestamp.parse(Timestamp.format(date))) == date)
    }

    @Test func timesOutsideYears0To9999AreWrittenAsTheNearestEnd() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1e15)) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e15)) == "9999-12-31T23:59:59.999Z")
    }
}
