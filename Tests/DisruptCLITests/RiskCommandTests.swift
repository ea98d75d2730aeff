import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt triggers / rank / recompute (the real binary)", .serialized)
struct RiskCommandTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("riskcmd")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try RiskFixture.insert(db)
    }

    private func run(_ arguments: [String], url: String? = nil) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: url ?? location.testURL)
    }

    private func object(_ result: DisruptBinary.Result) throws -> [String: Any] {
        try #require(try DisruptBinary.json(result) as? [String: Any])
    }

    /// code -> (weight, evidence refs in order)
    private func triggers(_ json: [String: Any]) -> [String: (Int, [String])] {
        var out: [String: (Int, [String])] = [:]
        for trigger in json["triggers"] as? [[String: Any]] ?? [] {
            let refs = (trigger["evidence"] as? [[String: Any]] ?? []).map { $0["ref"] as? String ?? "?" }
            out[trigger["code"] as? String ?? "?"] = (trigger["weight"] as? Int ?? -1, refs)
        }
        return out
    }

    @Test func triggersExplainTheScoreAsJSON() throws {
        let result = try run(["triggers", "RK-1", "--as-of", "2026-11-01", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try object(result)
        #expect(json["person"] as? String == "RK-1")
        #expect(json["as_of"] as? String == "2026-11-01")
        let fired = triggers(json)
        // breach_history 5 + 2 for the second breach; weapons recent (within 12 months) 6
        #expect(fired["breach_history"]?.0 == 7)
        #expect(fired["breach_history"]?.1 == ["RB-7", "RB-8"])
        #expect(fired["weapons"]?.0 == 6)
        #expect(fired["weapons"]?.1 == ["RM-1"])
        #expect(fired["serial_perpetrator"]?.0 == 8)
        #expect(fired["serial_perpetrator"]?.1 == ["RI-2", "RI-1", "RI-3"])
        #expect(fired["escalation"]?.0 == 6)
        #expect(fired["escalation"]?.1 == ["RI-2", "RI-1", "RI-3"])
        #expect(fired["strangulation"]?.0 == 8)
        #expect(fired["strangulation"]?.1 == ["RI-2"])
        // No coercive-control offence or marker: two incidents of other kinds are not escalating
        // coercive control (the old rule fired on any two incidents in six months, +5).
        #expect(fired["coercive_control_escalating"] == nil)
        #expect(fired["mental_ill_health"]?.0 == 3)
        #expect(fired["mental_ill_health"]?.1 == ["RM-3"])
        #expect(fired["child_contact"]?.0 == 4)
        #expect(fired["threats"] == nil, "the threats marker expired on 2026-06-30")
        #expect(fired.count == 7)
        #expect(json["score"] as? Int == 42)
        #expect(json["band"] as? String == "very_high")
        let flags = try #require(json["flags"] as? [String: Bool])
        #expect(flags == ["serial": true, "escalating": true, "repeat": true])
        let evidence = try #require((json["triggers"] as? [[String: Any]])?.first { $0["code"] as? String == "breach_history" })
        let first = try #require((evidence["evidence"] as? [[String: Any]])?.first)
        #expect(first["kind"] as? String == "breach")
        #expect(first["on"] as? String == "2026-09-02")
        #expect((evidence["reason"] as? String)?.contains("2 breaches in the last 24 months") == true)
    }

    @Test func aWindowEdgeChangesTheOutput() throws {
        let inside = try object(try run(["triggers", "RK-1", "--as-of", "2026-11-01", "--format", "json"]))
        let outside = try object(try run(["triggers", "RK-1", "--as-of", "2026-11-02", "--format", "json"]))
        #expect(triggers(inside)["escalation"] != nil)
        #expect(triggers(outside)["escalation"] == nil, "RI-3 (2025-11-02) is 12 months old on 2026-11-02")
        #expect(outside["score"] as? Int == 36)
        #expect((outside["flags"] as? [String: Bool])?["escalating"] == false)
    }

    @Test func aRestrictedHealthMarkerIsInvisibleToProbation() throws {
        let login = "risk_prob_\(UUID().uuidString.prefix(8).lowercased())"
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add(\(login), 'Pat Probation', 'probation', 'rep')")
        let result = try run(["triggers", "RK-1", "--as-of", "2026-11-01", "--format", "json"], url: location.asUser(login).testURL)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try object(result)
        #expect(triggers(json)["mental_ill_health"] == nil)
        #expect(json["score"] as? Int == 39)
        #expect(!result.stdout.contains("RM-3"))
        // reading triggers is a consultation: default purpose, or --purpose; a blank one is refused
        #expect(try run(["triggers", "RK-1", "--purpose", "MATAC screening"], url: location.asUser(login).testURL).status == 0)
        #expect(try run(["triggers", "RK-1", "--purpose", "  "], url: location.asUser(login).testURL).status == 2)
        let purposes: [String] = try db.query("""
            SELECT purpose FROM disrupt.audit_log
            WHERE operation = 'consult' AND object_table = 'triggers' AND login = \(login) ORDER BY at, id
            """).map { try $0.decode("purpose") }
        #expect(purposes == ["triggers", "MATAC screening"])
        // probation cannot recompute: rank warns and shows what is stored
        let rank = try run(["rank", "--by", "rfg", "--format", "json"], url: location.asUser(login).testURL)
        #expect(rank.status == 0, "\(rank.stderr)")
        #expect(rank.stderr.contains("an administrator should run: disrupt recompute"))
        let recompute = try run(["recompute"], url: location.asUser(login).testURL)
        #expect(recompute.status == 4)
        #expect(recompute.stderr.contains("only an administrator"))
    }

    @Test func triggersTextNamesEvidenceAndAnUnknownPersonIsExit3() throws {
        let text = try run(["triggers", "RK-1", "--as-of", "2026-11-01"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("RK-1 as of 2026-11-01: score 42, band very_high"))
        #expect(text.stdout.contains("breach RB-7 2026-09-02"))
        #expect(text.stdout.contains("Flags: serial, escalating, repeat"))
        let missing = try run(["triggers", "NOBODY-9"])
        #expect(missing.status == 3)
        let badDate = try run(["triggers", "RK-1", "--as-of", "2026-02-30"])
        #expect(badDate.status == 2)
    }

    @Test func rankRecomputesThenOrdersWithTieBreaks() throws {
        let result = try run(["rank", "--by", "rfg", "--as-of", "2026-11-01", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try DisruptBinary.json(result) as? [[String: Any]])
        #expect(rows.map { $0["person"] as? String } == ["RK-1", "RK-2", "RK-3", "RK-4"])
        let top = rows[0]
        // a ranking is what every staff member may read: the shared records only, so RK-1's
        // restricted health marker RM-3 (mental ill health, 3) that `triggers` counts for an
        // administrator (42) does not move it
        #expect(top["score"] as? Int == 39)
        #expect(top["victims"] as? Int == 2)
        #expect(top["serial"] as? Bool == true)
        let rfg = try #require(top["rfg"] as? [String: Int])
        // latest incident 2026-10-15: 17 days -> 15; 3 incidents -> 7; gravity 3 + 10 + 1 = 14; 2 victims x 5
        #expect(rfg == ["recency": 15, "frequency": 7, "gravity": 14, "victims": 10, "total": 46])
        // RK-2 and RK-3 tie on every score: the reference decides
        #expect(rows[1]["rfg"] as? [String: Int] == rows[2]["rfg"] as? [String: Int])
        let byRisk = try run(["rank", "--by", "risk", "--top", "2", "--as-of", "2026-11-01", "--format", "json"])
        let riskRows = try #require(try DisruptBinary.json(byRisk) as? [[String: Any]])
        #expect(riskRows.map { $0["person"] as? String } == ["RK-1", "RK-2"])
    }

    @Test func rankAsOfAnEarlierDayWritesNothingEvenForAnAdministrator() throws {
        #expect(try run(["recompute", "--all", "--as-of", "2026-11-01"]).status == 0)
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        func snapshot() throws -> [String] {
            try db.query("""
                SELECT (SELECT count(*) FROM disrupt.risk_assessment)::text AS n UNION ALL
                SELECT (SELECT count(*) FROM disrupt.person_dirty)::text UNION ALL
                SELECT (SELECT string_agg(person_id || ':' || as_of || ':' || score || ':' || rfg_total || ':' || computed_at,
                                          ',' ORDER BY person_id) FROM disrupt.risk_current)
                """).map { try $0.decode(0, as: String.self) }
        }
        let before = try snapshot()
        let stored = try run(["rank", "--by", "rfg", "--as-of", "2026-11-01", "--format", "json"])
        let earlier = try run(["rank", "--by", "rfg", "--as-of", "2026-06-01", "--format", "json"])
        #expect(earlier.status == 0, "\(earlier.stderr)")
        let rows = try #require(try DisruptBinary.json(earlier) as? [[String: Any]])
        #expect(rows.allSatisfy { $0["as_of"] as? String == "2026-06-01" }, "computed live as of the day asked")
        #expect(earlier.stdout != stored.stdout, "the earlier day's ranking differs from the stored one")
        try db.execute("UPDATE disrupt.incident SET offence = offence WHERE source_ref = 'RI-1'")
        let dirty = try snapshot()
        let afterChange = try run(["rank", "--by", "risk", "--as-of", "2026-11-01", "--format", "json"])
        #expect(afterChange.status == 0, "\(afterChange.stderr)")
        #expect(try snapshot() == dirty, "nor does a ranking with changed records")
        #expect(dirty[1] != "0", "the change was queued")
        #expect(before[0] == dirty[0] && before[2] == dirty[2], "rank wrote no assessment and changed no stored score")
    }

    @Test func rankFiltersByAgency() throws {
        let probation = try run(["rank", "--by", "risk", "--agency", "probation", "--as-of", "2026-11-01", "--format", "json"])
        #expect(probation.status == 0, "\(probation.stderr)")
        let rows = try #require(try DisruptBinary.json(probation) as? [[String: Any]])
        #expect(rows.map { $0["person"] as? String } == ["RK-4"])
        let health = try run(["rank", "--by", "risk", "--agency", "health", "--as-of", "2026-11-01", "--format", "json"])
        #expect((try DisruptBinary.json(health) as? [[String: Any]])?.map { $0["person"] as? String } == ["RK-1"])
        let bad = try run(["rank", "--by", "risk", "--agency", "martians"])
        #expect(bad.status == 2)
    }

    @Test func recomputeReportsAsJSON() throws {
        let own = try TestCluster.freshDatabase("riskcmd")
        let db = try TestCluster.superuserConnection(database: own.testDatabaseName)
        defer { db.close() }
        try RiskFixture.insert(db)
        let first = try object(try run(["recompute", "--all", "--as-of", "2026-11-01", "--format", "json"], url: own.testURL))
        #expect(first["people"] as? Int == 4)
        #expect(first["changed"] as? Int == 4)
        #expect(first["mode"] as? String == "all")
        let again = try object(try run(["recompute", "--format", "json", "--as-of", "2026-11-01"], url: own.testURL))
        #expect(again["people"] as? Int == 0, "nothing changed since")
    }
}
