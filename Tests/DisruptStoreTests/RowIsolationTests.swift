@testable import DisruptStore
import DisruptTestSupport
import DisruptCore
import Postgres
import Testing

/// A row whose value cannot be decoded is left out and counted; any other failure is thrown.
@Suite("Row isolation")
struct RowIsolationTests {
    struct Lost: Error {}

    @Test func onlyUndecodableValuesAreLeftOutAndCounted() throws {
        let db = try TestCluster.superuserConnection(database: "postgres")
        defer { db.close() }
        let rows = try db.query("SELECT n, CASE WHEN n = 2 THEN 'infinity'::date ELSE DATE '2026-01-01' + n END AS day FROM generate_series(1, 3) n")
        var leftOut = LeftOut()
        let days = try RowIsolation.decodeEach(rows, what: "test", into: &leftOut) { row -> Day in try row["day"] }
        #expect(days.map(\.iso) == ["2026-01-02", "2026-01-04"])
        #expect(leftOut.messages == ["left out 1 test row(s) with an unusable value (content not shown)"])

        var untouched = LeftOut()
        #expect(throws: Lost.self, "a failure other than a bad value is not swallowed") {
            _ = try RowIsolation.decodeEach(rows, what: "test", into: &untouched) { _ -> Int in throw Lost() }
        }
        #expect(untouched.isEmpty)
    }
}
