import Foundation
import Testing
@testable import DisruptCore

@Suite struct DayTests {
    @Test func epochAndRoundTrip() {
        #expect(Day(iso: "1970-01-01")?.daysSince1970 == 0)
        #expect(Day(iso: "1969-12-31")?.daysSince1970 == -1)
        #expect(Day(iso: "2000-03-01")?.daysSince1970 == 11_017)
        for text in ["0001-01-01", "1600-02-29", "1999-12-31", "2024-02-29", "2026-06-15", "9999-12-31"] {
            #expect(Day(iso: text)?.iso == text)
        }
        // Every day over several centuries survives the round trip through components.
        var d = day("1899-01-01")
        while d < day("2101-01-01") {
            let (y, m, dd) = d.components
            #expect(Day(year: y, month: m, day: dd) == d)
            d = d.adding(days: 1)
        }
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31", "2025-02-29", "1900-02-29",
        "0000-01-01", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01",
        "2026-01-01 ", "", "abcd-ef-gh", "+026-01-01", "2026-0a-01", "２０２６-01-01",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func leapYears() {
        #expect(Day(iso: "2024-02-29") != nil)
        #expect(Day(iso: "2000-02-29") != nil)
        #expect(Day(iso: "2100-02-29") == nil)
        #expect(Day.isLeap(2024) && Day.isLeap(2000) && !Day.isLeap(1900) && !Day.isLeap(2026))
        #expect(day("2024-02-28").adding(days: 1).iso == "2024-02-29")
        #expect(day("2023-02-28").adding(days: 1).iso == "2023-03-01")
    }

    @Test func monthArithmeticClamps() {
        #expect(day("2026-01-31").adding(months: 1).iso == "2026-02-28")
        #expect(day("2024-01-31").adding(months: 1).iso == "2024-02-29")
        #expect(day("2026-03-31").adding(months: -1).iso == "2026-02-28")
        #expect(day("2026-06-15").adding(months: -12).iso == "2025-06-15")
        #expect(day("2026-06-15").adding(months: -24).iso == "2024-06-15")
        #expect(day("2026-01-15").adding(months: -13).iso == "2024-12-15")
        #expect(day("2026-12-15").adding(months: 1).iso == "2027-01-15")
        #expect(day("2024-02-29").adding(years: 1).iso == "2025-02-28")
        #expect(day("2024-02-29").adding(years: 4).iso == "2028-02-29")
        #expect(day("2026-05-05").adding(months: 0) == day("2026-05-05"))
    }

    @Test func differencesAndOrder() {
        #expect(day("2026-03-01").days(since: day("2026-02-01")) == 28)
        #expect(day("2025-01-01").days(since: day("2026-01-01")) == -365)
        #expect(day("2026-01-01") < day("2026-01-02"))
        #expect(Set([day("2026-01-01"), day("2026-01-01")]).count == 1)
        #expect("\(day("2026-07-04"))" == "2026-07-04")
    }

    @Test func codableAsISOString() throws {
        let data = try JSONEncoder().encode(["d": day("2026-02-03")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"d":"2026-02-03"}"#)
        let back = try JSONDecoder().decode([String: Day].self, from: data)
        #expect(back["d"] == day("2026-02-03"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: Day].self, from: Data(#"{"d":"2026-02-30"}"#.utf8))
        }
    }

    @Test func todayMatchesFoundation() {
        let zone = TimeZone(identifier: "Europe/London")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        let expected = Day(year: parts.year!, month: parts.month!, day: parts.day!)!
        let got = Day.today(in: zone)
        // Allow for midnight passing between the two reads.
        #expect(got == expected || got == expected.adding(days: 1))
    }
}
