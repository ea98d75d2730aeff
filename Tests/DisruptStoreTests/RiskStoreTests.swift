import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Risk store: facts, recompute, ranking", .serialized)
struct RiskStoreTests {
    let location: DatabaseLocation
    let db: PostgresConnection
    let model: RiskModel
    let asOf = Day(iso: "2026-11-01")!

    init() throws {
        location = try TestCluster.freshDatabase("riskstore")
        db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try RiskFixture.insert(db)
        // the record tables are read through disrupt_reader's functions, under the policies even
        // for a superuser: this session consults first, as every command does
        _ = try db.query("SELECT disrupt.consult('test: the risk store reads the records', 'test')")
        model = try ConfigurationLoader.riskModel(environment: [:])
    }

    private func count(_ sql: PostgresQuery) throws -> Int {
        try db.query(sql)[0].decode(0, as: Int.self)
    }

    private func id(_ ref: String) throws -> Int64 {
        try db.query("SELECT id FROM disrupt.person WHERE person_ref = \(ref)")[0].decode("id")
    }

    /// One person's facts by the batch path of `recompute`.
    private func batch(_ personId: Int64) throws -> PersonFacts? {
        try FactsLoader(model: model).load(lo: personId, hi: personId, ids: nil, on: db).first?.facts
    }

    /// One person's facts by the single-person path (`summary`, `triggers`): the dossier.
    private func single(_ personId: Int64) throws -> PersonFacts {
        try PersonDossierReader().read(personID: personId, on: db).value.facts(offences: model.offences)
    }

    /// Sections sorted by reference: the rules do not depend on their order.
    private func sorted(_ f: PersonFacts) -> PersonFacts {
        PersonFacts(
            personRef: f.personRef, markers: f.markers.sorted { $0.ref < $1.ref }, incidents: f.incidents.sorted { $0.ref < $1.ref },
            breaches: f.breaches.sorted { $0.ref < $1.ref }, orders: f.orders.sorted { $0.ref < $1.ref },
            relationships: f.relationships.sorted { $0.ref < $1.ref }, maracReferrals: f.maracReferrals.sorted { $0.ref < $1.ref },
            forumLinks: f.forumLinks.sorted { $0.ref < $1.ref })
    }

    @Test func batchAndSinglePersonPathsGiveEqualFactsAndTheStoredScore() throws {
        // The loader walks ids (which say nothing about order since migration 0012): sort by reference.
        let people = try FactsLoader(model: model).load(lo: 0, hi: Int64.max, ids: nil, on: db).sorted { $0.facts.personRef < $1.facts.personRef }
        #expect(people.map(\.facts.personRef) == ["RK-1", "RK-2", "RK-3", "RK-4"])
        #expect(people[0].facts.incidents.count == 3 && people[0].facts.relationships.count == 1)
        for (personId, facts) in people {
            #expect(sorted(try single(personId)) == sorted(facts), "\(facts.personRef)")
        }
        _ = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db)
        // the stored score is computed from the shared records only (what every staff member reads)
        let shared = try FactsLoader(model: model).load(lo: 0, hi: Int64.max, ids: nil, sharedOnly: true, on: db)
        for (personId, facts) in shared {
            let stored: Int = try db.query("SELECT score FROM disrupt.risk_current WHERE person_id = \(personId)")[0].decode("score")
            #expect(model.evaluator(asOf: asOf).assess(facts).score == stored)
        }
    }

    @Test func factsForOnePersonMapEverySection() throws {
        let facts = try #require(try batch(try id("RK-1")))
        #expect(facts.personRef == "RK-1")
        #expect(facts.incidents.count == 3)
        let strangulation = try #require(facts.incidents.first { $0.ref == "RI-2" })
        #expect(strangulation.victimRef == "RV-2")
        #expect(strangulation.gravity == 10, "offence default from offences.json")
        #expect(facts.markers.map(\.ref).sorted() == ["RM-1", "RM-2", "RM-3"])
        let health = try #require(facts.markers.first { $0.ref == "RM-3" })
        #expect(health.agency == .health && health.sensitivity == .restricted)
        #expect(facts.markers.first { $0.ref == "RM-2" }?.expiresOn == Day(iso: "2026-06-30"))
        #expect(facts.breaches.first { $0.ref == "RB-7" }?.orderType == "restraining")
        #expect(facts.breaches.first { $0.ref == "RB-7" }?.actionTaken == .arrest)
        #expect(facts.breaches.first { $0.ref == "RB-8" }?.orderType == nil)
        #expect(facts.orders.map(\.type) == ["restraining"])
        #expect(facts.relationships.count == 1 && facts.relationships[0].hasContact && facts.relationships[0].relationship == .child)
        #expect(facts.relationships[0].ref.hasPrefix("relationship-"))
        #expect(facts.maracReferrals.map(\.partyRef) == ["RV-1"])
        let link = try #require(try batch(try id("RK-4"))?.forumLinks.first)
        #expect(link.forum == .iom && link.status == .active)
    }

    @Test func recomputeTouchesOnlyDirtyPeopleAndClearsThem() throws {
        let recompute = RiskRecompute(model: model, batchSize: 2)
        let all = try recompute.run(all: true, asOf: asOf, on: db)
        #expect(all.people == 4)
        #expect(all.changed == 4)
        #expect(try count("SELECT count(*)::int FROM disrupt.person_dirty") == 0)
        #expect(try count("SELECT count(*)::int FROM disrupt.risk_current") == 4)
        let before = try db.query("SELECT person_id, computed_at::text AS at FROM disrupt.risk_current ORDER BY person_id")
            .map { (try $0.decode("person_id", as: Int64.self), try $0.decode("at", as: String.self)) }

        // a new incident for RK-2 queues RK-2 only
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, offence, agency)
            VALUES ('RI-9', \(try id("RK-2")), '2026-10-20', 'abh', 'police')
            """)
        #expect(try count("SELECT count(*)::int FROM disrupt.person_dirty") == 1)
        let dirty = try recompute.run(all: false, asOf: asOf, on: db)
        #expect(dirty.people == 1)
        #expect(dirty.changed == 1)
        #expect(try count("SELECT count(*)::int FROM disrupt.person_dirty") == 0)
        let after = try db.query("SELECT person_id, computed_at::text AS at FROM disrupt.risk_current ORDER BY person_id")
            .map { (try $0.decode("person_id", as: Int64.self), try $0.decode("at", as: String.self)) }
        let touched = zip(before, after).filter { $0.0.1 != $0.1.1 }.map { $0.0.0 }
        #expect(touched == [try id("RK-2")])
        #expect(try count("SELECT count(*)::int FROM disrupt.risk_assessment WHERE person_id = \(try id("RK-2"))") == 2)
        // the history row keeps the evidence
        let triggers = try db.query("""
            SELECT triggers::text AS t FROM disrupt.risk_assessment WHERE person_id = \(try id("RK-1"))
            """)[0].decode("t", as: String.self)
        #expect(triggers.contains("\"ref\": \"RB-7\""))

        // nothing changed: the same scores again add no history
        let again = try recompute.run(all: true, asOf: asOf, on: db)
        #expect(again.people == 4 && again.changed == 0)
    }

    /// A recompute compares each result with the stored row and sends only the people whose
    /// result differs: a stored row changed by hand (any compared column) is put back, with a
    /// history row when a column of the history differs; a later as-of day whose results are the
    /// same moves each row's day and writes no history.
    @Test func aRecomputeWritesOnlyWhatDiffersFromTheStoredRow() throws {
        let recompute = RiskRecompute(model: model, batchSize: 2)
        _ = try recompute.run(all: true, asOf: asOf, on: db)
        let columns = """
            person_id, as_of::text, score, band, trigger_codes::text, rfg_recency, rfg_frequency, rfg_gravity,
            rfg_victims, rfg_total, victims, latest_incident_on::text, serial, escalating, is_repeat, model_version, rfg_version
            """
        func stored() throws -> [String] {
            try db.query(PostgresQuery(unsafeSQL: "SELECT (\(columns))::text AS r FROM disrupt.risk_current ORDER BY person_id"))
                .map { try $0.decode("r", as: String.self) }
        }
        func history() throws -> Int { try count("SELECT count(*)::int FROM disrupt.risk_assessment") }
        let scored = try stored()
        let written = try history()

        try db.execute("UPDATE disrupt.risk_current SET trigger_codes = '{bogus}' WHERE person_id = \(try id("RK-1"))")
        try db.execute("UPDATE disrupt.risk_current SET rfg_victims = rfg_victims + 1 WHERE person_id = \(try id("RK-2"))")
        try db.execute("UPDATE disrupt.risk_current SET latest_incident_on = '2001-01-01' WHERE person_id = \(try id("RK-3"))")
        try db.execute("UPDATE disrupt.risk_current SET model_version = 'old' WHERE person_id = \(try id("RK-4"))")
        let repaired = try recompute.run(all: true, asOf: asOf, on: db)
        #expect(try stored() == scored, "every changed row is put back")
        // latest_incident_on is not a column of the history: RK-3's row is mended without one
        let afterRepair = try history()
        #expect(repaired.changed == 3 && afterRepair == written + 3)

        // a row the recompute cannot read as it writes it is written again, not a stop
        try db.execute("UPDATE disrupt.risk_current SET trigger_codes = '[0:0]={x}' WHERE person_id = \(try id("RK-1"))")
        try db.execute("UPDATE disrupt.risk_current SET trigger_codes = '{{a},{b}}' WHERE person_id = \(try id("RK-2"))")
        let rewritten = try recompute.run(all: true, asOf: asOf, on: db)
        #expect(try stored() == scored && rewritten.changed == 2)
        let afterRewrite = try history()

        let nothing = try recompute.run(all: true, asOf: asOf, on: db)
        let afterNothing = try history()
        #expect(nothing.changed == 0 && afterNothing == afterRewrite)

        // the next day: every row is as of it; history only where a compared value moved
        let nextDay = asOf.adding(days: 1)
        let moved = try recompute.run(all: true, asOf: nextDay, on: db)
        #expect(try count("SELECT count(*)::int FROM disrupt.risk_current WHERE as_of = \(nextDay.iso)::date") == 4)
        let afterMove = try history()
        #expect(afterMove == afterRewrite + moved.changed)
        let sameValues = zip(scored, try stored()).filter {
            $0.0.replacingOccurrences(of: asOf.iso, with: nextDay.iso) == $0.1
        }.count
        #expect(moved.changed == 4 - sameValues)
    }

    /// The queue has a row per write (migration 0018). A recompute of the queue takes each person
    /// once, whatever the number of his rows, with batches of disjoint people on two workers
    /// (helper-55: batches cut by rows split one person across two workers, which then waited
    /// for each other), and leaves the queue empty.
    @Test func aPersonQueuedByManyWritesIsRecomputedOnceByDisjointBatches() throws {
        _ = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db)
        for (n, ref) in ["RK-1", "RK-2", "RK-3", "RK-4"].enumerated() {
            for k in 0..<3 {
                try db.execute("""
                    INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, offence, agency)
                    VALUES (\("RQ-\(n)-\(k)"), \(try id(ref)), \("2026-10-2\(k)")::date, 'abh', 'police')
                    """)
            }
        }
        #expect(try count("SELECT count(*)::int FROM disrupt.person_dirty") == 12)
        #expect(try count("SELECT disrupt.recompute_pending()") == 4)
        let report = try RiskRecompute(model: model, batchSize: 1, workers: 2).run(all: false, asOf: asOf, on: db)
        #expect(report.people == 4 && report.changed == 4)
        #expect(try count("SELECT count(*)::int FROM disrupt.person_dirty") == 0)
        #expect(try count("SELECT count(*)::int FROM disrupt.risk_assessment WHERE as_of = \(asOf.iso)::date") >= 4)
    }

    @Test func aMergedPersonLosesItsStoredScore() throws {
        _ = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db)
        try db.execute("SELECT disrupt.merge_person('RK-2', 'RK-3', 'same man')")
        let report = try RiskRecompute(model: model).run(all: false, asOf: asOf, on: db)
        #expect(report.people == 1)
        #expect(report.removed == 0, "merge_person takes the absorbed person off the queue itself")
        let full = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db)
        #expect(full.removed == 1)
        let rows = try RiskStore(model: model).rank(by: .rfg, limit: 10, agency: nil, on: db)
        #expect(rows.map(\.person) == ["RK-1", "RK-2", "RK-4"])
        #expect(rows[1].victims == 1, "RK-2 and RK-3 hurt the same victim")
        // RK-2 and RK-3 each assaulted RV-3 on 2026-10-01: once merged, the two records are one
        // incident of one person against one victim on one day (frequency 1 incident = 2 points).
        #expect(rows[1].rfg.frequency == 2, "two records of one incident")
    }

    /// The live ranking sorts with `RankOrder.ranksBefore`: it must order exactly like the
    /// stored ranking's SQL, ties included (gravity, a missing latest incident, byte order of refs).
    @Test func theSwiftComparatorOrdersLikeTheSQL() throws {
        // (ref, score, rfg total, gravity, latest incident): every tie-break is exercised
        let rows: [(String, Int, Int, Int, String?)] = [
            ("RC-b", 5, 9, 3, "2026-01-01"), ("RC-a", 5, 9, 3, "2026-01-01"), ("Rc-a", 5, 9, 3, "2026-01-01"),
            ("RC-c", 5, 9, 3, nil), ("RC-d", 5, 9, 3, "2026-03-01"), ("RC-e", 5, 9, 4, nil),
            ("RC-f", 7, 2, 1, nil), ("RC-g", 1, 12, 0, "2025-01-01"), ("RC-h", 5, 9, 2, "2026-06-01"), ("RC-É", 5, 9, 3, "2026-01-01"),
        ]
        for (ref, score, total, gravity, latest) in rows {
            let person: Int64 = try db.query("""
                INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Order', 'police') RETURNING id
                """)[0].decode("id")
            try db.execute("""
                INSERT INTO disrupt.risk_current (person_id, as_of, score, band, rfg_recency, rfg_frequency, rfg_gravity,
                    rfg_victims, rfg_total, victims, latest_incident_on, serial, escalating, is_repeat, model_version, rfg_version)
                VALUES (\(person), \(asOf), \(score), 'standard', 0, 0, \(gravity), 0, \(total), 1, \(latest)::date,
                    false, false, false, 'test', 'test')
                """)
        }
        for order in RankOrder.allCases {
            let stored = try RiskStore(model: model).rank(by: order, limit: 100, agency: nil, on: db)
            #expect(stored.count == rows.count)
            #expect(stored.reversed().sorted(by: order.ranksBefore).map(\.person) == stored.map(\.person), "\(order)")
            #expect(stored.sorted { $0.person < $1.person }.sorted(by: order.ranksBefore).map(\.person) == stored.map(\.person), "\(order)")
        }
        let byRFG = try RiskStore(model: model).rank(by: .rfg, limit: 100, agency: nil, on: db).map(\.person)
        #expect(byRFG == ["RC-g", "RC-e", "RC-d", "RC-a", "RC-b", "RC-É", "Rc-a", "RC-c", "RC-h", "RC-f"])
    }

    @Test func freshnessSaysWhenScoresAreStale() throws {
        let store = RiskStore(model: model)
        #expect(try store.freshness(asOf: asOf, on: db).dirty == 4)
        _ = try RiskRecompute(model: model).run(all: false, asOf: asOf, on: db)
        #expect(try store.freshness(asOf: asOf, on: db).isCurrent)
        let tomorrow = try store.freshness(asOf: asOf.adding(days: 1), on: db)
        #expect(tomorrow.otherDay && tomorrow.dirty == 0 && tomorrow.canRecompute)
    }
}
