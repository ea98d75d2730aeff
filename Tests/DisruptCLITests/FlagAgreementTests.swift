import DisruptCore
@testable import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 14: `triggers`, `summary --format json` and `agenda --format json` agree on serial,
/// escalating and repeat for every person of a generated force of 5,000 people.
///
/// The force is generated and imported with the real binary. The sweep over every person calls
/// in-process what the commands call: the dossier (`disrupt.person_dossier` and
/// `PersonDossierReader`'s decoder, in batches under one consultation for the whole sweep rather
/// than a consultation row per person, which is what makes one read per person slow; the
/// function applies row-level security even to the superuser, so the sweep opens that one first)
/// with `TriggerEvaluator` for `triggers` and `SummaryBuilder` for `summary`, and `AgendaStore`
/// for `agenda`. The agenda is also run through the binary and compared with the in-process one
/// for every person, and a sample of people goes through `triggers` and `summary` of the binary. The meeting is the force's
/// as-of day D and the previous meeting D − 12 months, so the agenda's `repeat` (a repeat in
/// (D − 12 months, D]) is exactly the flag of `triggers --as-of D` (the latest repeat in the
/// 12 months up to D): every person with a repeat must be on the agenda, and no one else as one.
@Suite("triggers, summary and agenda agree on a 5,000-person force (the real binary)", .serialized)
struct FlagAgreementTests {
    static let people = 5_000

    @Test func everyPersonGetsTheSameFlagsFromTheThreeCommands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agree-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = try TestCluster.freshDatabase("agree")
        func run(_ arguments: [String]) throws -> DisruptBinary.Result {
            let result = try DisruptBinary.run(arguments, databaseURL: location.testURL)
            #expect(result.status == 0, "\(arguments.prefix(2)): \(result.stderr)")
            return result
        }
        _ = try run(["generate", "--people", String(Self.people), "--out", directory.path])
        for file in ForceFile.allCases { _ = try run(["import", file.rawValue, directory.appendingPathComponent(file.fileName).path]) }

        let meeting = ForceGenerator.defaultAsOf
        let previous = meeting.adding(months: -12)
        let model = try ConfigurationLoader.riskModel(environment: [:])
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try db.execute("ANALYZE")
        // disrupt.person_dossier is NULL for a session with no committed consultation, superuser or not
        try Consultation(purpose: "test: flag agreement sweep", scope: "test").open(on: db)
        let separate: Int = try db.query("SELECT count(*)::int AS n FROM disrupt.incident WHERE separate_event")[0]["n"]
        #expect(separate > 0, "the generator marks some same-day records as separate events")

        // triggers and summary, per person, from the dossier both commands read
        let evaluator = model.evaluator(asOf: meeting)
        let builder = SummaryBuilder(model: model)
        var triggers: [String: RiskFlags] = [:]
        let ids: [Int64] = try db.query("SELECT id FROM disrupt.person WHERE merged_into IS NULL ORDER BY id").map { try $0["id"] }
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = ids[start..<min(ids.count, start + 500)].map(String.init)
            let rows = try db.query("""
                SELECT disrupt.person_dossier(p.id)::text AS dossier FROM disrupt.person p
                WHERE p.id = ANY (\(batch)::bigint[])
                """)
            #expect(rows.count == batch.count)
            for row in rows {
                let dossier = try PersonDossierReader.decode(RowIsolation.pruneDates(try row["dossier"]).text)
                let ref = dossier.person.ref
                let flags = evaluator.assess(dossier.facts(offences: model.offences)).flags
                let summary = builder.build(dossier, asOf: meeting).flags
                #expect(summary.serial == flags.serial && summary.escalating == flags.escalating
                        && summary.repeat == flags.isRepeat && summary.repeatOn == flags.repeatEvent?.on, "\(ref)")
                triggers[ref] = flags
            }
        }
        #expect(triggers.count == Self.people)

        // agenda, in process and through the binary
        let agenda = try AgendaStore(model: model).agenda(meetingOn: meeting, previousMeetingOn: previous, on: db).value
        var listed: [String: AgendaEntry] = [:]
        for entry in agenda.people { listed[entry.person_ref ?? "?"] = entry }
        let json = try #require(try DisruptBinary.json(try run([
            "agenda", "--meeting", meeting.iso, "--previous", previous.iso, "--format", "json",
        ])) as? [String: Any])
        let binaryPeople = json["people"] as? [[String: Any]] ?? []
        #expect(binaryPeople.count == agenda.people.count)
        for (entry, binary) in zip(agenda.people, binaryPeople) {
            #expect(binary["person_ref"] as? String == entry.person_ref)
            #expect(binary["repeat"] as? Bool == entry.repeat && binary["serial"] as? Bool == entry.serial
                    && binary["escalating"] as? Bool == entry.escalating, "\(entry.person_ref ?? "?")")
            #expect((binary["repeats"] as? [Any])?.count == entry.repeats.count)
        }

        var repeats = 0, serial = 0, escalating = 0, repeatOnly = 0
        for (ref, flags) in triggers {
            let entry = listed[ref]
            #expect((entry?.repeat ?? false) == flags.isRepeat, "\(ref): agenda and triggers disagree on repeat")
            if let entry {
                #expect(entry.serial == flags.serial && entry.escalating == flags.escalating, "\(ref)")
                if let latest = flags.repeatEvent { #expect(entry.repeats.last?.on == latest.on, "\(ref)") }
                if entry.repeat && entry.plan == nil && entry.referrals.isEmpty { repeatOnly += 1 }
            }
            if flags.isRepeat { repeats += 1 }
            if flags.serial { serial += 1 }
            if flags.escalating { escalating += 1 }
        }
        // not vacuous: the force has repeats (some reach the agenda by the repeat alone), serials and escalations
        #expect(repeats > 0 && repeatOnly > 0 && serial > 0 && escalating > 0, "\(repeats) \(repeatOnly) \(serial) \(escalating)")

        // a sample through the binary's own triggers and summary
        let sample = Array(triggers.keys.sorted().filter { triggers[$0]!.isRepeat }.prefix(4))
            + Array(triggers.keys.sorted().filter { triggers[$0]!.serial && !triggers[$0]!.isRepeat }.prefix(3))
            + Array(triggers.keys.sorted().filter { !triggers[$0]!.serial && !triggers[$0]!.isRepeat }.prefix(3))
        for ref in sample {
            let flags = triggers[ref]!
            let t = try #require(try DisruptBinary.json(try run([
                "triggers", ref, "--as-of", meeting.iso, "--format", "json",
            ])) as? [String: Any])
            #expect(t["flags"] as? [String: Bool] == ["serial": flags.serial, "escalating": flags.escalating, "repeat": flags.isRepeat])
            let s = try #require(try DisruptBinary.json(try run([
                "summary", ref, "--purpose", "agreement test", "--as-of", meeting.iso, "--format", "json",
            ])) as? [String: Any])
            let f = s["flags"] as? [String: Any] ?? [:]
            #expect(f["serial"] as? Bool == flags.serial && f["escalating"] as? Bool == flags.escalating
                    && f["repeat"] as? Bool == flags.isRepeat, "\(ref)")
            let onAgenda = binaryPeople.first { $0["person_ref"] as? String == ref }
            #expect((onAgenda?["repeat"] as? Bool ?? false) == flags.isRepeat, "\(ref)")
        }
        #expect(sample.count == 10)
    }
}
