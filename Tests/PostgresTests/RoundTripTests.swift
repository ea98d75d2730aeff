import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Parameter round trips")
struct RoundTripTests {
    let connection: PostgresConnection

    init() throws {
        connection = try PostgresConnection(TestCluster.freshDatabase("roundtrip").configuration)
    }

    @Test("text survives byte for byte, hostile strings included", arguments: [
        "plain", "", "O'Brien", "\"; DROP TABLE person; --", "'; DROP TABLE x; --", "Zoë Łukasiewicz 李 🙂",
        "back\\slash", "tab\tnew\nline\r", String(repeating: "x", count: 1_000_000),
    ])
    func text(_ value: String) throws {
        let row = try connection.query("SELECT \(value)::text AS v")[0]
        #expect(try row.decode("v", as: String.self) == value)
    }

    @Test func integersBoolsAndFloats() throws {
        let row = try connection.query("""
            SELECT \(Int.max)::bigint AS big, \(Int32.min)::int AS small, \(Int16(-7))::smallint AS tiny,
                   \(true)::bool AS yes, \(false)::bool AS no, \(3.25)::float8 AS real, \(Decimal(string: "12345678901234567890.123")!)::numeric AS exact
            """)[0]
        #expect(try row.decode("big", as: Int.self) == Int.max)
        #expect(try row.decode("small", as: Int32.self) == Int32.min)
        #expect(try row.decode("tiny", as: Int16.self) == -7)
        #expect(try row.decode("yes", as: Bool.self) == true)
        #expect(try row.decode("no", as: Bool.self) == false)
        #expect(try row.decode("real", as: Double.self) == 3.25)
        #expect(try row.decode("exact", as: Decimal.self) == Decimal(string: "12345678901234567890.123"))
    }

    @Test func nullsDecodeAsOptionalsOnly() throws {
        let none: String? = nil
        let row = try connection.query("SELECT \(none)::text AS v, \(Optional(5))::int AS five")[0]
        #expect(try row.decode("v", as: String?.self) == nil)
        #expect(try row.decode("five", as: Int?.self) == 5)
        #expect(throws: PostgresDecodingError.self) { try row.decode("v", as: String.self) }
    }

    @Test func datesTimestampsAndUUIDs() throws {
        let moment = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let id = UUID()
        let row = try connection.query("SELECT \(moment)::timestamptz AS at, '2026-02-28'::date AS day, \(id)::uuid AS id")[0]
        let at = try row.decode("at", as: Date.self)
        #expect(abs(at.timeIntervalSince(moment)) < 0.000_002)
        #expect(try row.decode("day", as: Date.self) == Date(timeIntervalSince1970: 1_772_236_800))
        #expect(try row.decode("id", as: UUID.self) == id)
    }

    @Test func binaryResultsReadInPlaceWithTheirTypesChecked() throws {
        let rows = try connection.queryBinary("""
            SELECT \(Int64.min)::bigint AS big, \(Int32.max)::int AS small, true AS yes, 'Zoë 李'::text AS name,
                   '2026-02-28'::date AS day, '1969-12-31'::date AS before, NULL::date AS none, 'infinity'::date AS forever
            """)
        #expect(rows.count == 1)
        let position = { (name: String) in try rows.position(of: name) }
        #expect(try rows.int64(0, position("big")) == Int64.min)
        #expect(try rows.int32(0, position("small")) == Int32.max)
        #expect(try rows.bool(0, position("yes")) == true)
        #expect(try rows.string(0, position("name")) == "Zoë 李")
        #expect(try rows.firstByte(0, position("name")) == UInt8(ascii: "Z"))
        #expect(try rows.daysSince1970(0, position("day")) == 20_512)
        #expect(try rows.daysSince1970(0, position("before")) == -1)
        #expect(try rows.daysSince1970(0, position("none")) == nil)
        #expect(throws: PostgresDecodingError.self) { try rows.daysSince1970(0, position("forever")) }
        // a column read as another type than it has is an error naming it, never a misread
        #expect(throws: PostgresDecodingError.self) { try rows.int64(0, position("small")) }
        #expect(throws: PostgresDecodingError.self) { try rows.string(0, position("day")) }
        #expect(throws: PostgresDecodingError.self) { try rows.position(of: "missing") }
    }

    @Test func binaryTextArraysReadElementByElement() throws {
        let values = ["a", "b c", "quote\"d", "comma,", "NULL", "back\\slash", "", "Zoë 李"]
        let rows = try connection.queryBinary("""
            SELECT \(values)::text[] AS list, '{}'::text[] AS empty, '{x,NULL}'::text[] AS with_null,
                   NULL::text[] AS none, '{{a,b},{c,d}}'::text[] AS square, '{1,2}'::int[] AS numbers
            """)
        let position = { (name: String) in try rows.position(of: name) }
        #expect(try rows.strings(0, position("list")) == values)
        #expect(try rows.strings(0, position("empty")) == [])
        #expect(try rows.strings(0, position("with_null")) == ["x", nil])
        #expect(try rows.strings(0, position("none")) == nil)
        #expect(throws: PostgresDecodingError.self) { try rows.strings(0, position("square")) }
        #expect(throws: PostgresDecodingError.self) { try rows.strings(0, position("numbers")) }
    }

    @Test func textArraysAndJSON() throws {
        let values = ["a", "b c", "quote\"d", "comma,", "NULL", "back\\slash", ""]
        let row = try connection.query("SELECT \(values)::text[] AS list, '{x,NULL}'::text[] AS with_null, jsonb_build_object('k', \("v")::text) AS doc")[0]
        #expect(try row.decode("list", as: [String].self) == values)
        #expect(throws: PostgresDecodingError.self) { try row.decode("with_null", as: [String].self) }
        struct Doc: Decodable, Equatable { var k: String }
        #expect(try row.decode("doc", as: PostgresJSONValue<Doc>.self).value == Doc(k: "v"))
        #expect(try row.decode("doc", as: Data.self) == Data(#"{"k": "v"}"#.utf8))
    }

    @Test func byteaRoundTrip() throws {
        let bytes = Data((0...255).map { UInt8($0) })
        let row = try connection.query("SELECT \(bytes)::bytea AS b")[0]
        #expect(try row.decode("b", as: Data.self) == bytes)
    }

    @Test func nulBytesAreRefusedNotTruncated() throws {
        #expect(throws: PostgresError.self) { try connection.query("SELECT \("before\u{0}after")::text") }
        // The connection is still usable afterwards.
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test func decodingErrorsNameTheColumnNotTheValue() throws {
        let row = try connection.query("SELECT 'secret-value'::text AS person_name")[0]
        do {
            _ = try row.decode("person_name", as: Int.self)
            Issue.record("expected a decoding error")
        } catch let error as PostgresDecodingError {
            #expect(error.column == "person_name")
            #expect(!error.description.contains("secret-value"))
        }
        #expect(throws: PostgresDecodingError.self) { try row.decode("missing", as: Int.self) }
    }

    @Test func interpolationNeverSplicesValues() {
        let hostile = "x'); DROP TABLE t; --"
        let query: PostgresQuery = "SELECT * FROM t WHERE a = \(hostile) AND b = \(7)"
        #expect(query.sql == "SELECT * FROM t WHERE a = $1 AND b = $2")
        #expect(query.binds.count == 2)
    }
}
