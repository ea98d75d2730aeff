import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// A research chase (`research_due`, subject a hearing) names a case and a meeting. It was sent to
/// an agency that could see the case; if the case's victim or perpetrator is restricted to
/// another agency afterwards, the chase must vanish from that agency's inbox and from its psql
/// view of the outbox (and come back when the record is shared again), as every other reminder
/// does when a record it names is hidden.
@Suite("research chase: re-checked against the case when it is read (staff logins)")
struct ResearchChaseVisibilityTests {
    @Test func aChaseAboutACaseRestrictedSinceIsNeitherListedNorReadableNorAcknowledged() throws {
        let fx = try MeetingFixture("research_chase")
        let today = MeetingFixture.day(0), meeting = "MARAC-\(fx.token)", victim = "V-\(fx.token)"
        try fx.ok(["party", "add", "--ref", victim, "--given-name", "Zoe", "--family-name", "Smith", "--dob", "1990-02-03", "--kind", "victim"], as: fx.spoc)
        try fx.ok(["referral", "add", fx.personRef, "--on", MeetingFixture.day(-5), "--criterion", "visible_high_risk",
                   "--victim", victim, "--dash", "16", "--ref", "R1-\(fx.token)"], as: fx.spoc)
        try fx.ok(["meeting", "plan", meeting, "--forum", "marac", "--on", today, "--area", "North", "--chair", fx.chair,
                   "--invite", "police", "--invite", "housing"], as: fx.coordinator)
        let caseRef = try #require(try fx.json(["meeting", "case", "add", meeting, "--referral", "R1-\(fx.token)"], as: fx.chair)["case_ref"] as? String)
        try fx.ok(["remind", "--as-of", today], as: nil)

        let housing = try fx.connection(as: fx.housing)
        defer { housing.close() }
        try housing.execute("SELECT disrupt.consult('research chase test', 'psql')")
        func chases() throws -> [Int64] {
            try housing.query("SELECT id FROM disrupt.inbox(true) WHERE kind = 'research_due'").map { try $0.decode("id", as: Int64.self) }
        }
        let chase = try #require(try chases().first, "housing was asked for research and is chased")
        #expect(try fx.ok(["inbox"], as: fx.housing).contains(caseRef))

        // The police make the victim restricted (their import's merge; here by hand, as a
        // database administrator would): housing may no longer see the case.
        let dba = try fx.superuser()
        defer { dba.close() }
        try dba.execute("UPDATE disrupt.party SET sensitivity = 'restricted' WHERE party_ref = \(victim)")

        #expect(try chases().isEmpty, "the outbox row names a case housing may no longer see")
        let inbox = try fx.ok(["inbox", "--all"], as: fx.housing)
        #expect(!inbox.contains(caseRef) && !inbox.contains(meeting))
        let ack = try fx.run(["inbox", "ack", "\(chase)"], as: fx.housing)
        let none = try fx.run(["inbox", "ack", "999999999"], as: fx.housing)
        #expect(ack.status == 3 && none.status == 3, "acknowledging it answers 'not found'")
        #expect(ack.stderr.replacingOccurrences(of: "\(chase)", with: "N") == none.stderr.replacingOccurrences(of: "999999999", with: "N"))
        let db = try fx.superuser()
        defer { db.close() }
        let claimed = try db.query("SELECT id FROM disrupt.reminder_claim_for_delivery(50, interval '1 second')").map { try $0.decode("id", as: Int64.self) }
        #expect(!claimed.contains(chase), "not delivered while hidden from its recipient")
        var refused: String?
        do { try housing.execute("SELECT disrupt.reminder_ack(\(chase))") } catch let error as PostgresError { refused = error.sqlState }
        #expect(refused == "DR404")

        // Shared again: the chase is back, still unacknowledged.
        try dba.execute("UPDATE disrupt.party SET sensitivity = 'shared' WHERE party_ref = \(victim)")
        #expect(try chases() == [chase])
        #expect(try fx.ok(["inbox"], as: fx.housing).contains(caseRef))
    }
}
