import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Hostile text through the store: stored byte-exact, or refused with nothing changed.
@Suite("Security: hostile input")
struct SecurityInputTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    func staffCount(_ db: PostgresConnection) throws -> Int {
        try db.query("SELECT count(*) AS n FROM disrupt.staff")[0].decode("n")
    }

    @Test func nulBytesHugeNamesAndControlCharactersAreRefused() throws {
        let f = fixture
        let db = try f.connect(as: f.admin)
        defer { db.close() }
        let directory = StaffDirectory()
        for name in ["nul\u{0}byte", String(repeating: "x", count: 1_048_576), "bell\u{7}", "new\nline"] {
            #expect(throws: StoreError.self) { try directory.add(login: "hostile_\(f.token)", fullName: name, agency: .police, role: .rep, on: db) }
        }
        // the Postgres layer refuses NUL instead of cutting the text short
        let nul = sqlState { try db.execute("SELECT disrupt.staff_add(\("nul_\(f.token)"), \("a\u{0}b"), 'police', 'rep')") }
        #expect(nul == "client:invalidParameter")
        // and the SQL function holds the same line for psql users
        #expect(sqlState { try db.execute("SELECT disrupt.staff_add(\("big_\(f.token)"), \(String(repeating: "x", count: 1_048_576)), 'police', 'rep')") } == "22023")
        #expect(sqlState { try db.execute("SELECT disrupt.staff_add(\("ctl_\(f.token)"), \("a\u{1B}[2Jb"), 'police', 'rep')") } == "22023")
        let logins = ["hostile", "nul", "big", "ctl"].map { "\($0)_\(f.token)" }
        #expect(try db.query("SELECT 1 FROM disrupt.staff WHERE login = ANY(\(logins))").isEmpty)
        #expect(try db.query("SELECT 1 FROM pg_roles WHERE rolname = ANY(\(logins))").isEmpty)
    }

    @Test func injectionShapedTextIsStoredByteExact() throws {
        let f = fixture
        let db = try f.connect(as: f.admin)
        defer { db.close() }
        let name = "Robert'); DROP TABLE disrupt.person; -- \"x\" \\ $$ %I"
        let member = try StaffDirectory().add(login: "bobby_\(f.token)", fullName: name, agency: .housing, role: .spoc, on: db)
        #expect(Array(member.fullName.utf8) == Array(name.utf8))
        #expect(try db.query("SELECT to_regclass('disrupt.person') IS NOT NULL AS present")[0].decode("present", as: Bool.self))
        let disabled = try StaffDirectory().disable(login: "bobby_\(f.token)", reason: "'; DELETE FROM disrupt.staff; --", on: db)
        #expect(disabled.disabledReason == "'; DELETE FROM disrupt.staff; --")
        #expect(try staffCount(db) > 4)
    }
}
