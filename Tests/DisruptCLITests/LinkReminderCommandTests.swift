import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The forum-link reminders of the SQL sweep (`disrupt remind`) against DisruptCore's
/// `ForumLinkReminders.due`: the same kinds, links and dates, on dated edges and over a generated force.
@Suite("disrupt remind: MAPPA and forum-link reminders (the real binary)")
struct LinkReminderCommandTests {
    static let linkKinds = LinkReminder.Kind.allCases.map(\.rawValue)

    /// One sweep as the install administrator; the created counts of the link kinds.
    private func sweep(_ fx: PlanFixture, _ day: Day) throws -> [String: Int] {
        let created = try fx.json(["remind", "--as-of", day.iso], as: nil)["created"] as? [String: Int] ?? [:]
        return created.filter { Self.linkKinds.contains($0.key) }
    }

    private func addLink(_ db: PostgresConnection, ref: String, person: String, forum: String, status: String = "active",
                         lead: String?, starts: Day, ends: Day? = nil, category: Int? = nil, licence: Day? = nil,
                         review: Day? = nil) throws {
        try db.execute("""
            INSERT INTO disrupt.forum_link (source_ref, person_id, forum, status, lead_agency, starts_on, ends_on,
                                            mappa_category, licence_ends_on, next_review_on, agency)
            SELECT \(ref), p.id, \(forum), \(status), \(lead)::text, \(starts)::date, \(ends)::date,
                   \(category)::smallint, \(licence)::date, \(review)::date, 'police'
              FROM disrupt.person p WHERE p.person_ref = \(person)
            """)
    }

    /// (kind, link ref, due_on, recipient login) of every forum-link reminder stored.
    private func stored(_ db: PostgresConnection) throws -> [String] {
        try db.query("""
            SELECT r.kind || ' ' || f.source_ref || ' ' || r.due_on || ' ' || r.recipient_login AS line
              FROM disrupt.reminder r JOIN disrupt.forum_link f ON f.id = r.subject_id
             WHERE r.subject_table = 'forum_link' ORDER BY 1
            """).map { try $0.decode("line", as: String.self) }
    }

    @Test func mappaCategory1Or2LicenceEndFromTheWindowOnceToProbation() throws {
        let fx = try PlanFixture("mappa12")
        let db = try fx.superuser()
        let today = Day.today(), licence = today.adding(days: 60)
        try addLink(db, ref: "L-CAT2", person: fx.personRef, forum: "mappa", lead: "probation", starts: today.adding(days: -100),
                    category: 2, licence: licence)
        #expect(try sweep(fx, licence.adding(days: -29))["mappa_consider_category3"] == 0)
        #expect(try sweep(fx, licence.adding(days: -28))["mappa_consider_category3"] == 1)
        #expect(try sweep(fx, licence)["mappa_consider_category3"] == 0)
        #expect(try sweep(fx, licence.adding(days: 1)) == Dictionary(uniqueKeysWithValues: Self.linkKinds.map { ($0, 0) }))
        #expect(try stored(db) == ["mappa_consider_category3 L-CAT2 \(licence.iso) \(fx.probation)"])
        let inbox = try fx.run(["inbox"], as: fx.probation)
        #expect(inbox.stdout.contains("mappa_consider_category3") && inbox.stdout.contains("L-CAT2"), "\(inbox.stdout)")
    }

    @Test func mappaCategory3FromTheDayAfterTheLicenceEnds() throws {
        let fx = try PlanFixture("mappa3")
        let db = try fx.superuser()
        let today = Day.today(), licence = today.adding(days: 30)
        try addLink(db, ref: "L-CAT3", person: fx.personRef, forum: "mappa", lead: "police", starts: today.adding(days: -100),
                    category: 3, licence: licence)
        #expect(try sweep(fx, licence)["mappa_category3_review"] == 0)
        #expect(try sweep(fx, licence.adding(days: 1))["mappa_category3_review"] == 1)
        #expect(try sweep(fx, licence.adding(days: 2))["mappa_category3_review"] == 0)
        #expect(try stored(db) == ["mappa_category3_review L-CAT3 \(licence.adding(days: 1).iso) \(fx.probation)"])
    }

    @Test func reviewDueFromTheWindowAndOverdueTheDayAfterToTheLeadAgency() throws {
        let fx = try PlanFixture("review")
        let db = try fx.superuser()
        let today = Day.today(), review = today.adding(days: 40)
        try addLink(db, ref: "L-MATAC", person: fx.personRef, forum: "matac", lead: "police", starts: today.adding(days: -100),
                    review: review)
        #expect(try sweep(fx, review.adding(days: -8))["link_review_due"] == 0)
        #expect(try sweep(fx, review.adding(days: -7))["link_review_due"] == 1)
        let onTheDay = try sweep(fx, review)
        #expect(onTheDay["link_review_due"] == 0 && onTheDay["link_review_overdue"] == 0)
        #expect(try sweep(fx, review.adding(days: 1))["link_review_overdue"] == 1)
        #expect(try sweep(fx, review.adding(days: 2))["link_review_overdue"] == 0)
        // the police lead: the police SPOC before other police staff (the chair)
        #expect(try stored(db) == ["link_review_due L-MATAC \(review.iso) \(fx.spoc)",
                                   "link_review_overdue L-MATAC \(review.adding(days: 1).iso) \(fx.spoc)"])
    }

    @Test func closedNotYetStartedAndEndedLinksAreNotReminded() throws {
        let fx = try PlanFixture("notlive")
        let db = try fx.superuser()
        let today = Day.today(), day = today.adding(days: 20)
        try addLink(db, ref: "L-CLOSED", person: fx.personRef, forum: "mappa", status: "closed", lead: "probation",
                    starts: today.adding(days: -100), ends: today, category: 3, licence: today, review: today)
        try addLink(db, ref: "L-LATER", person: fx.personRef, forum: "iom", lead: "police",
                    starts: day.adding(days: 1), review: day)
        try addLink(db, ref: "L-ENDED", person: fx.personRef, forum: "dapp", lead: "probation",
                    starts: today.adding(days: -100), ends: day.adding(days: -1), review: day)
        try addLink(db, ref: "L-ENDS-TODAY", person: fx.personRef, forum: "drive", lead: "probation",
                    starts: today.adding(days: -100), ends: day, review: day)
        _ = try sweep(fx, day)
        #expect(try stored(db) == ["link_review_due L-ENDS-TODAY \(day.iso) \(fx.probation)"])
    }

    /// Every link of a generated force, on several days: the SQL sweep stores exactly the
    /// reminders `ForumLinkReminders.due` returns (kind, link, due date), each to staff of the
    /// agency Core names (no link of the generator is restricted).
    @Test func sweepAgreesWithCoreOverAGeneratedForce() throws {
        let asOf = Day(iso: "2026-06-30")!
        let directory = NSTemporaryDirectory() + "disrupt-links-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try DisruptBinary.run(["generate", "--people", "4000", "--seed", "14", "--as-of", asOf.iso, "--out", directory],
                                              databaseURL: nil)
        #expect(generated.status == 0, "\(generated.stderr)")
        let fx = try PlanFixture("linkparity")
        for kind in ["people", "links"] {
            let imported = try fx.run(["import", kind, "\(directory)/\(kind).csv"], as: nil)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let db = try fx.superuser()
        // a SPOC in every agency, so every link has someone to remind
        for agency in Agency.allCases {
            try db.execute("SELECT disrupt.staff_add(\("lead_\(agency.rawValue)_\(fx.personRef.suffix(6).lowercased())"), 'Lead', \(agency.rawValue), 'spoc')")
        }
        let links = try db.query("""
            SELECT source_ref, forum, status, lead_agency, mappa_category::int AS mappa_category, next_review_on,
                   licence_ends_on, starts_on, ends_on
              FROM disrupt.forum_link
            """).map { row in
            ForumLinkFact(ref: try row["source_ref"], forum: try row["forum"], status: try row["status"],
                          leadAgency: try row["lead_agency"], mappaCategory: try row["mappa_category"],
                          reviewOn: try row["next_review_on"], licenceExpiresOn: try row["licence_ends_on"],
                          startsOn: try row["starts_on"], endsOn: try row["ends_on"])
        }
        #expect(links.count > 300)
        #expect(links.contains { $0.forum == .mappa && $0.mappaCategory == 3 && $0.licenceExpiresOn != nil })

        var seen = Set<String>()
        for day in [asOf.adding(days: -45), asOf, asOf.adding(days: 10), asOf.adding(days: 90)] {
            try db.execute("DELETE FROM disrupt.reminder")
            _ = try sweep(fx, day)
            let sql = try db.query("""
                SELECT DISTINCT r.kind || ' ' || f.source_ref || ' ' || r.due_on || ' ' || s.agency AS line
                  FROM disrupt.reminder r
                  JOIN disrupt.forum_link f ON f.id = r.subject_id
                  JOIN disrupt.staff s ON s.login = r.recipient_login
                 WHERE r.subject_table = 'forum_link'
                """).map { try $0.decode("line", as: String.self) }.sorted()
            let core = ForumLinkReminders.due(links, asOf: day, timings: ReminderTimings())
                .map { "\($0.kind.rawValue) \($0.linkRef) \($0.dueOn.iso) \($0.recipient?.rawValue ?? "-")" }.sorted()
            #expect(sql.count == core.count, "as of \(day.iso)")
            #expect(sql == core, "as of \(day.iso): first difference \(zip(sql, core).first { $0 != $1 }.map { "\($0)" } ?? "in length")")
            seen.formUnion(core.map { String($0.split(separator: " ")[0]) })
        }
        #expect(seen == Set(Self.linkKinds), "every kind is exercised: \(seen)")
    }
}
