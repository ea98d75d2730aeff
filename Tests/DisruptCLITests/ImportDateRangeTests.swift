import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 13, item 1, on the import path: a CSV date outside the range its column's CHECK allows
/// (migration 0002) is one rejected row with its line, column and reason; the other rows land.
@Suite("disrupt import: dates outside the stored ranges (the real binary)")
struct ImportDateRangeTests {
    let location: DatabaseLocation
    let scratch: ScratchDirectory
    var directory: String { scratch.path }

    init() throws {
        location = try TestCluster.freshDatabase("importdates")
        scratch = try ScratchDirectory("disrupt-importdates")
    }

    func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.testURL)
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = directory + "/" + name
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func scalar(_ sql: PostgresQuery) throws -> Int {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        return try db.query(sql)[0].decode(0, as: Int.self)
    }

    /// Today plus `days` days, or `years` years, as the database's CHECKs count it (UTC).
    func day(days: Int = 0, years: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(byAdding: DateComponents(year: years, day: days), to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func aDateOutsideItsColumnsRangeIsOneRejectedRowNotAFailedImport() throws {
        let nextYear = day(years: 1)
        let people = try write("people.csv", [
            "person_ref,pnc_id,given_name,family_name,date_of_birth,gender",
            "P-1,,Ann,Early,1850-01-01,female",
            "P-2,,Bob,Unborn,\(nextYear),male",
            "P-3,,Cal,Fine,1900-01-01,male",
        ])
        let result = try run(["import", "people", people])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == "inserted 1, updated 0, unchanged 0, rejected 2\n", "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("line 2, column date_of_birth: date_of_birth 1850-01-01 is before 1900-01-01"), "\(result.stderr)")
        #expect(result.stderr.contains("line 3, column date_of_birth: date_of_birth \(nextYear) is more than 7 days in the future"), "\(result.stderr)")
        let rejects = try String(contentsOfFile: people + ".rejects.csv", encoding: .utf8)
        #expect(rejects.contains("2,date_of_birth,date_of_birth 1850-01-01 is before 1900-01-01,P-1,"))

        let incidents = try write("incidents.csv", [
            "source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address",
            "I-1,P-3,,2999-01-01,abh,,police,,,",
            "I-2,P-3,,\(day(days: 7)),abh,,police,,,",
            "I-3,P-3,,\(day(days: 8)),abh,,police,,,",
        ])
        let second = try run(["import", "incidents", incidents])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stdout == "inserted 1, updated 0, unchanged 0, rejected 2\n", "\(second.stdout)\(second.stderr)")
        #expect(second.stderr.contains("line 2, column occurred_on: occurred_on 2999-01-01 is more than 7 days in the future"))
        #expect(second.stderr.contains("line 4, column occurred_on: occurred_on \(day(days: 8)) is more than 7 days in the future"))
    }

    @Test func eachDateFieldHasItsOwnClassOfRange() throws {
        _ = try run(["import", "people", try write("people.csv", ["person_ref,pnc_id,given_name,family_name,date_of_birth,gender",
                                                                  "P-1,,Ann,One,1980-01-01,female"])])
        let header = "source_ref,person_ref,forum,reference,status,lead_agency,starts_on,ends_on,mappa_category,mappa_level,iom_cohort,licence_ends_on,next_review_on"
        let links = try write("links.csv", [
            header,
            "L-1,P-1,marac,,active,police,\(day(days: 300)),\(day(years: 20)),,,,\(day(years: 24)),\(day(years: 4))",
            "L-2,P-1,marac,,active,police,\(day(years: 2)),,,,,,",
            "L-3,P-1,marac,,active,police,2020-01-01,,,,,,\(day(years: 6))",
            "L-4,P-1,marac,,active,police,2020-01-01,\(day(years: 26)),,,,,",
            "L-5,P-1,marac,,active,police,2020-01-01,,,,,1899-12-31,",
        ])
        let result = try run(["import", "links", links])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == "inserted 1, updated 0, unchanged 0, rejected 4\n", "\(result.stdout)\(result.stderr)")
        for expected in ["line 3, column starts_on: starts_on \(day(years: 2)) is more than 366 days in the future",
                         "line 4, column next_review_on: next_review_on \(day(years: 6)) is more than 5 years in the future",
                         "line 5, column ends_on: ends_on \(day(years: 26)) is more than 25 years in the future",
                         "line 6, column licence_ends_on: licence_ends_on 1899-12-31 is before 1900-01-01"] {
            #expect(result.stderr.contains(expected), "missing: \(expected)\n\(result.stderr)")
        }
        #expect(try scalar("SELECT count(*)::int FROM disrupt.forum_link") == 1)
    }
}
