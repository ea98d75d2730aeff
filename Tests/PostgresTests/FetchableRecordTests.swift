import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Typed rows: FetchableRecord and row[\"column\"]")
struct FetchableRecordTests {
    enum Colour: String, PostgresDecodable { case red, green }

    struct Pen: FetchableRecord, Equatable {
        var id: Int64
        var colour: Colour
        var note: String?

        init(id: Int64, colour: Colour, note: String?) {
            self.id = id
            self.colour = colour
            self.note = note
        }

        init(row: PostgresRow) throws {
            id = try row["id"]
            colour = try row["colour"]
            note = try row["note"]
        }
    }

    let connection: PostgresConnection

    init() throws {
        connection = try PostgresConnection(TestCluster.freshDatabase("records").configuration)
    }

    @Test func recordsReadTheirColumnsByNameInAnyOrder() throws {
        let pens = try connection.query("""
            SELECT note, colour, id FROM (VALUES (2::bigint, 'green', NULL::text), (1, 'red', 'fine')) AS p (id, colour, note)
            ORDER BY id
            """).records(as: Pen.self)
        #expect(pens == [Pen(id: 1, colour: .red, note: "fine"), Pen(id: 2, colour: .green, note: nil)])
    }

    @Test func aMissingColumnOrAnUnknownCodeIsAnErrorNamingTheColumn() throws {
        let missing = try connection.query("SELECT 1::bigint AS id, 'red' AS colour")[0]
        #expect { try Pen(row: missing) } throws: { ($0 as? PostgresDecodingError)?.column == "note" }
        let unknown = try connection.query("SELECT 1::bigint AS id, 'mauve' AS colour, NULL::text AS note")[0]
        #expect { try Pen(row: unknown) } throws: { error in
            guard let error = error as? PostgresDecodingError else { return false }
            return error.column == "colour" && !error.description.contains("mauve")
        }
        let null = try connection.query("SELECT NULL::bigint AS id, 'red' AS colour, NULL::text AS note")[0]
        #expect { try Pen(row: null) } throws: { ($0 as? PostgresDecodingError)?.column == "id" }
    }
}
