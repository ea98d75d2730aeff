import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// One rule for a blank reason or purpose: DisruptCore's `BlankText.reason` (the CLI's `ReasonText`)
/// and the database's `disrupt.clean_reason` agree at every edge of the invisible ranges and on
/// letter-like blanks, and a staff login with psql can no longer pass a tab, a no-break space, a
/// zero-width space or a Hangul filler off as the purpose of a consultation or the reason for a
/// change, as plain `btrim` had let her (helper-59, helper-61).
@Suite("Blank text: one rule in Swift and SQL")
struct BlankTextTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// Each range's first and last code point and its neighbours, and ordinary text around them.
    static var samples: [String] {
        var scalars: [UInt32] = [0x41, 0x7E, 0xE9, 0x4E2D, 0x1F600]
        for range in BlankText.invisibleRanges {
            scalars += [range.lowerBound - 1, range.lowerBound, range.upperBound, range.upperBound + 1]
        }
        let single = scalars.compactMap(Unicode.Scalar.init).filter { $0.value != 0 }.map { String(Character($0)) }
        // helper-61's letter-like blanks: Hangul fillers, braille blank, combining grapheme joiner,
        // variation selector, tag space, a combining mark alone, and letters of no A-Z
        let letterLike = ["\u{115F}", "\u{3164}\u{2800}", "\u{034F}", "\u{FE0F}", "\u{E0020}", "\u{0301}", "\u{FFA0}", "中文", "Ελλάδα"]
        return single + single.map { "\($0)reason\($0)" } + letterLike + letterLike.map { "\($0) 7" }
            + ["", " \t\u{A0}\u{200B}\u{FEFF} ", "\u{3000}a b\u{2029}", "a\u{200B}b", "Émile", "7"]
    }

    @Test func swiftAndTheDatabaseCleanTheSameCharacters() throws {
        let db = try fixture.superuser()
        defer { db.close() }
        for text in Self.samples {
            let stored: String? = try db.query("SELECT disrupt.clean_reason(\(text)) AS c")[0].decode("c")
            #expect(stored == BlankText.reason(text), "U+\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test(arguments: ["\t", "\u{A0}", "\u{200B}", "\u{FEFF}\u{3000}", "\u{0B}\u{0C}", "\u{3164}\u{2800}", "\u{034F}\u{0301}"])
    func anInvisiblePurposeOrReasonIsRefusedFromPsql(_ blank: String) throws {
        let staff = try fixture.connect(as: fixture.police)
        defer { staff.close() }
        #expect(sqlState { _ = try staff.query("SELECT disrupt.consult(\(blank), 'blank text')") } == "22023")
        #expect(sqlState { _ = try staff.query("SELECT disrupt.consult('a real purpose', \(blank))") } == "22023")
        let admin = try fixture.connect(as: fixture.admin)
        defer { admin.close() }
        #expect(sqlState { _ = try admin.query("SELECT disrupt.staff_disable(\(fixture.probation), \(blank))") } == "22023")
        let stillActive: Bool = try admin.query("SELECT active FROM disrupt.staff WHERE login = \(fixture.probation)")[0].decode("active")
        #expect(stillActive)
    }

    @Test func aPurposeIsStoredWithoutItsInvisibleEnds() throws {
        let staff = try fixture.connect(as: fixture.police)
        defer { staff.close() }
        let scope = "blank text \(UUID().uuidString.prefix(8))"
        _ = try staff.query("SELECT disrupt.consult(\("\u{200B}Marac case 7\u{A0}"), \("\u{3000}" + scope + "\t"))")
        let db = try fixture.superuser()
        defer { db.close() }
        let stored = try db.query("SELECT purpose FROM disrupt.audit_log WHERE operation = 'consult' AND object_table = \(scope)")
        #expect(try stored.map { try $0.decode("purpose", as: String.self) } == ["Marac case 7"])
    }
}
