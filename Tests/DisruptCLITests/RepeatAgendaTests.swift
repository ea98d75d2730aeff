import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Repeat at its edges through the real binary: `triggers`, `summary` and `agenda` give the same
/// answer from one rule (DisruptCore `RepeatRule`). Each person below has one victim and one
/// Marac referral for her on 2025-03-10, and one event:
///
/// | person | event | repeat? |
/// |---|---|---|
/// | RP-SAME | incident 2025-03-10 (the referral day) | no |
/// | RP-NEXT | incident 2025-03-11 (the day after; no plan, no new referral) | yes |
/// | RP-EDGE | incident 2026-03-10 (12 calendar months later) | yes |
/// | RP-LATE | incident 2026-03-11 (the day after that) | no |
/// | RP-HERS | breach 2025-04-01 of an order protecting her | yes |
/// | RP-OTHER | breach 2025-04-01 of an order protecting someone else | no |
@Suite("Repeat at the edges: triggers, summary and agenda agree (the real binary)", .serialized)
struct RepeatAgendaTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("repeat")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try db.executeScript(unsafeSQL: """
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency)
            SELECT ref, 'Test', ref, 'police' FROM unnest(ARRAY['RP-SAME', 'RP-NEXT', 'RP-EDGE', 'RP-LATE', 'RP-HERS', 'RP-OTHER']) ref;
            INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency)
            SELECT 'V-' || substr(ref, 4), 'Victim', ref, 'victim', 'police'
            FROM unnest(ARRAY['RP-SAME', 'RP-NEXT', 'RP-EDGE', 'RP-LATE', 'RP-HERS', 'RP-OTHER', 'RP-ELSE']) ref;
            INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, agency)
            SELECT 'R-' || substr(p.person_ref, 4), p.id, pa.id, DATE '2025-03-10', 'visible_high_risk', 'police'
            FROM disrupt.person p JOIN disrupt.party pa ON pa.party_ref = 'V-' || substr(p.person_ref, 4);
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
            SELECT 'I-' || substr(s.person, 4), p.id, pa.id, s.d::date, 'common_assault', 'police'
            FROM (VALUES ('RP-SAME', '2025-03-10'), ('RP-NEXT', '2025-03-11'), ('RP-EDGE', '2026-03-10'),
                         ('RP-LATE', '2026-03-11')) AS s (person, d)
            JOIN disrupt.person p ON p.person_ref = s.person
            JOIN disrupt.party pa ON pa.party_ref = 'V-' || substr(s.person, 4);
            INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, starts_on, agency)
            SELECT 'O-' || substr(s.person, 4), p.id, 'non_molestation', pa.id, DATE '2025-03-01', 'police'
            FROM (VALUES ('RP-HERS', 'V-HERS'), ('RP-OTHER', 'V-ELSE')) AS s (person, party)
            JOIN disrupt.person p ON p.person_ref = s.person JOIN disrupt.party pa ON pa.party_ref = s.party;
            INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, action_taken, agency)
            SELECT 'B-' || substr(p.person_ref, 4), p.id, o.id, DATE '2025-04-01', 'arrest', 'police'
            FROM disrupt.person p JOIN disrupt.court_order o ON o.person_id = p.id;
            """)
    }

    private func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        let result = try DisruptBinary.run(arguments, databaseURL: location.testURL)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    private func object(_ arguments: [String]) throws -> [String: Any] {
        try #require(try DisruptBinary.json(try run(arguments)) as? [String: Any])
    }

    private func triggersRepeat(_ person: String, asOf: String) throws -> Bool? {
        (try object(["triggers", person, "--as-of", asOf, "--format", "json"])["flags"] as? [String: Bool])?["repeat"]
    }

    private func summaryRepeat(_ person: String, asOf: String) throws -> Bool? {
        let summary = try object(["summary", person, "--purpose", "repeat test", "--as-of", asOf, "--format", "json"])
        return (summary["flags"] as? [String: Any])?["repeat"] as? Bool
    }

    /// The agenda's people by reference.
    private func agenda(meeting: String, previous: String) throws -> [String: [String: Any]] {
        let json = try object(["agenda", "--meeting", meeting, "--previous", previous, "--format", "json"])
        var byRef: [String: [String: Any]] = [:]
        for entry in json["people"] as? [[String: Any]] ?? [] { byRef[entry["person_ref"] as? String ?? "?"] = entry }
        return byRef
    }

    @Test func anIncidentOnTheReferralDayIsNotARepeat() throws {
        #expect(try triggersRepeat("RP-SAME", asOf: "2025-03-20") == false)
        #expect(try summaryRepeat("RP-SAME", asOf: "2025-03-20") == false)
        // Listed for its new referral, but not as a repeat (the old agenda SQL said REPEAT: `<=`).
        let people = try agenda(meeting: "2025-03-20", previous: "2025-03-01")
        let same = try #require(people["RP-SAME"])
        #expect(same["repeat"] as? Bool == false)
        #expect((same["repeats"] as? [Any])?.isEmpty == true)
        #expect((same["incidents"] as? [[String: Any]])?.first?["repeat"] as? Bool == false)
        #expect((same["referrals"] as? [[String: Any]])?.first?["ref"] as? String == "R-SAME")
    }

    @Test func anIncidentTheDayAfterIsARepeatAndReachesTheAgendaWithoutAPlan() throws {
        #expect(try triggersRepeat("RP-NEXT", asOf: "2025-03-20") == true)
        #expect(try summaryRepeat("RP-NEXT", asOf: "2025-03-20") == true)
        // No open plan and no referral since the previous meeting: the repeat alone lists him.
        let people = try agenda(meeting: "2025-03-20", previous: "2025-03-10")
        let next = try #require(people["RP-NEXT"])
        #expect(next["plan"] == nil, "no open plan")
        #expect(next["repeat"] as? Bool == true)
        let event = try #require((next["repeats"] as? [[String: Any]])?.first)
        #expect(event["kind"] as? String == "incident")
        #expect(event["ref"] as? String == "I-NEXT")
        #expect(event["on"] as? String == "2025-03-11")
        #expect(event["victim_ref"] as? String == "V-NEXT")
        #expect(event["prior_referral_ref"] as? String == "R-NEXT")
        #expect(event["prior_referral_on"] as? String == "2025-03-10")
        #expect((next["incidents"] as? [[String: Any]])?.first?["repeat"] as? Bool == true)
        // Nobody else has a plan, a referral or a repeat in (2025-03-10, 2025-03-20].
        #expect(Set(people.keys) == ["RP-NEXT"])

        let text = try run(["agenda", "--meeting", "2025-03-20", "--previous", "2025-03-10"]).stdout
        #expect(text.contains("RP-NEXT Test RP-NEXT (REPEAT)"))
        #expect(text.contains("No open plan"))
        #expect(text.contains("Repeat 2025-03-11: incident against V-NEXT (I-NEXT), after Marac referral R-NEXT of 2025-03-10"))
        let markdown = try run(["agenda", "--meeting", "2025-03-20", "--previous", "2025-03-10", "--format", "markdown"]).stdout
        #expect(markdown.contains("- Repeat 2025-03-11: incident against V-NEXT (I-NEXT), after Marac referral R-NEXT of 2025-03-10"))
    }

    @Test func twelveCalendarMonthsLaterIsTheLastRepeatDay() throws {
        #expect(try triggersRepeat("RP-EDGE", asOf: "2026-03-12") == true)
        #expect(try triggersRepeat("RP-LATE", asOf: "2026-03-12") == false)
        #expect(try summaryRepeat("RP-EDGE", asOf: "2026-03-12") == true)
        #expect(try summaryRepeat("RP-LATE", asOf: "2026-03-12") == false)
        let people = try agenda(meeting: "2026-03-12", previous: "2026-03-01")
        #expect((people["RP-EDGE"]?["repeats"] as? [[String: Any]])?.first?["on"] as? String == "2026-03-10")
        #expect(people["RP-LATE"] == nil, "2026-03-11 is more than 12 months after the referral")
    }

    @Test func aBreachOfAnOrderProtectingHerIsARepeat() throws {
        #expect(try triggersRepeat("RP-HERS", asOf: "2025-04-02") == true)
        #expect(try triggersRepeat("RP-OTHER", asOf: "2025-04-02") == false)
        #expect(try summaryRepeat("RP-HERS", asOf: "2025-04-02") == true)
        let people = try agenda(meeting: "2025-04-02", previous: "2025-03-20")
        let hers = try #require(people["RP-HERS"])
        let event = try #require((hers["repeats"] as? [[String: Any]])?.first)
        #expect(event["kind"] as? String == "breach" && event["ref"] as? String == "B-HERS" && event["victim_ref"] as? String == "V-HERS")
        #expect((hers["breaches"] as? [[String: Any]])?.first?["repeat"] as? Bool == true)
        #expect(people["RP-OTHER"] == nil, "a breach of an order protecting someone else is not a repeat for her")
        let text = try run(["agenda", "--meeting", "2025-04-02", "--previous", "2025-03-20"]).stdout
        #expect(text.contains("Repeat 2025-04-01: breach of an order protecting V-HERS (B-HERS), after Marac referral R-HERS of 2025-03-10"))
    }

    /// Same day, same victim: one incident unless a record says it is a separate event.
    @Test func aSeparateEventRecordIsNotMergedWithTheOthersOfThatDay() throws {
        _ = try run(["incident", "add", "RP-SAME", "--on", "2025-03-10", "--victim", "V-SAME", "--offence", "abh", "--agency", "health", "--ref", "I-SAME-H"])
        var summary = try object(["summary", "RP-SAME", "--purpose", "repeat test", "--as-of", "2025-03-20", "--format", "json"])
        #expect((summary["incidents"] as? [String: Any])?["total"] as? Int == 1)
        _ = try run(["incident", "add", "RP-SAME", "--on", "2025-03-10", "--victim", "V-SAME", "--separate-event", "--ref", "I-SAME-2"])
        summary = try object(["summary", "RP-SAME", "--purpose", "repeat test", "--as-of", "2025-03-20", "--format", "json"])
        #expect((summary["incidents"] as? [String: Any])?["total"] as? Int == 2)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("separate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("incidents.csv")
        try Data("""
            source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address
            I-SAME-3,RP-SAME,V-SAME,2025-03-10,common_assault,,idva,,,
            I-SAME-4,RP-SAME,V-SAME,2025-03-10,criminal_damage,,police,true,,

            """.utf8).write(to: file)
        let imported = try run(["import", "incidents", file.path, "--format", "json"])
        #expect((try DisruptBinary.json(imported) as? [String: Any])?["inserted"] as? Int == 2)
        summary = try object(["summary", "RP-SAME", "--purpose", "repeat test", "--as-of", "2025-03-20", "--format", "json"])
        #expect((summary["incidents"] as? [String: Any])?["total"] as? Int == 3)
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let separate = try db.query("SELECT source_ref FROM disrupt.incident WHERE separate_event ORDER BY source_ref")
            .map { try $0.decode("source_ref", as: String.self) }
        #expect(separate == ["I-SAME-2", "I-SAME-4"])
        let record = try object(["person", "show", "RP-SAME", "--purpose", "repeat test", "--format", "json"])
        let shown = (record["incidents"] as? [[String: Any]] ?? []).filter { $0["separate_event"] as? Bool == true }
        #expect(shown.map { $0["source_ref"] as? String } == ["I-SAME-2", "I-SAME-4"])
    }
}
