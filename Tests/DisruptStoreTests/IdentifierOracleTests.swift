import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12, count oracles: the ids a member of staff sees (of rows they can see, of rows they
/// insert, of their own audit rows, and what `disrupt.consult` returns) must say nothing about
/// how many rows they cannot see were made in between. Each test connects as a real staff
/// login with libpq, exactly as psql would.
@Suite("Security: row ids, audit ids and consult count nothing")
struct IdentifierOracleTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// 2^48: every id the permutation gives is at or above it (older identity values are below),
    /// and below 2^49 < 2^53, so JSON numbers keep it exact.
    static let permuted: ClosedRange<Int64> = (Int64(1) << 48)...((Int64(1) << 49) - 1)

    /// The ids, in the order they were made, do not keep that order and no two are close: an
    /// identity column would give ascending ids whose gaps count the rows made in between.
    static func countNothing(_ ids: [Int64]) -> Bool {
        let gaps = ids.indices.dropFirst().map { (ids[$0] - ids[$0 - 1]).magnitude }
        return ids != ids.sorted() && gaps.allSatisfy { $0 > 1_000_000 } && ids.allSatisfy(permuted.contains)
    }

    @Test func theIdsOfRowsStaffInsertSayNothingOfHiddenRowsMadeBetween() throws {
        let f = fixture
        let db = try f.connect(as: f.police)
        defer { db.close() }
        let su = try f.superuser()
        defer { su.close() }
        _ = try db.query("SELECT disrupt.consult('id oracle test', 'psql')")
        for n in 0..<12 {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
                VALUES (\("M-\(f.token)-ido\(n)"), \(f.personID), 'weapons', '2024-02-01', 'police')
                """)
            // three records police cannot see, made by health in between
            try su.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
                SELECT \("M-\(f.token)-idh\(n)-") || g, \(f.personID), 'mental_ill_health', '2024-02-01', 'health', 'restricted'
                FROM generate_series(1, 3) g
                """)
        }
        // the ids police reads of her markers: staff may not SELECT the table (so an INSERT may not
        // return an id either), and she reads them in the person's dossier, as the CLI does
        let seen = try db.query("""
            SELECT (m ->> 'id')::bigint AS id, m ->> 'source_ref' AS source_ref
            FROM jsonb_array_elements(disrupt.person_dossier(\(f.personID)) -> 'markers') m
            WHERE m ->> 'source_ref' LIKE \("M-\(f.token)-ido%")
            """).map { (ref: try $0.decode("source_ref", as: String.self), id: try $0.decode("id", as: Int64.self)) }
        let byRef = Dictionary(uniqueKeysWithValues: seen.map { ($0.ref, $0.id) })
        let ids = (0..<12).compactMap { byRef["M-\(f.token)-ido\($0)"] }
        #expect(ids.count == 12)
        #expect(Self.countNothing(ids), "\(ids)")
        // what police sees of the markers in id order is not the order they were made in
        let visible = seen.sorted { $0.id < $1.id }.map(\.ref)
        #expect(visible.count == 12)
        #expect(visible != (0..<12).map { "M-\(f.token)-ido\($0)" })
    }

    @Test func everyTableSomeStaffCannotWhollySeeTakesItsIdsFromThePermutation() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        // read as staff: the catalogue is public, which is the point (names printed in full)
        try db.execute("SET search_path TO pg_catalog")
        let columns = try db.query("""
            SELECT c.relname::text AS relation, a.attidentity::text AS identity, pg_get_expr(d.adbin, d.adrelid) AS "default"
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'p') AND a.attname = 'id' AND a.atttypid <> 'boolean'::regtype
              AND NOT a.attisdropped
            ORDER BY c.relname::text COLLATE "C"
            """).map { (relation: try $0.decode("relation", as: String.self), identity: try $0.decode("identity", as: String.self),
                        defaultValue: try $0.decode("default", as: String?.self)) }
        // every member of staff sees every meeting and tactic; no member of staff sees any risk assessment
        #expect(columns.filter { !$0.identity.isEmpty }.map(\.relation) == ["meeting", "risk_assessment", "tactic"])
        let permuted = columns.filter { $0.identity.isEmpty }
        #expect(permuted.map(\.relation) == [
            "action", "action_history", "alias", "audit_log", "breach", "court_order", "decision", "forum_case", "forum_link",
            "hearing", "incident", "marker", "matac_cohort", "party", "person", "plan", "plan_victim", "referral",
            "relationship", "reminder",
        ])
        for column in permuted {
            let expected = column.relation == "audit_log" ? "disrupt.new_id(true)" : "disrupt.new_id()"
            #expect(column.defaultValue == expected, "\(column.relation)")
        }
        // no privilege on any sequence: not the counters, not the key
        let sequences = try db.query("""
            SELECT c.oid::regclass::text AS name,
                   has_sequence_privilege(c.oid, 'USAGE') OR has_sequence_privilege(c.oid, 'SELECT')
                   OR has_sequence_privilege(c.oid, 'UPDATE') AS any
            FROM pg_class c WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind = 'S'
            """)
        #expect(Set(try sequences.map { try $0.decode("name", as: String.self) })
                    .isSuperset(of: ["disrupt.row_id_counter", "disrupt.audit_log_id_counter", "disrupt.id_key"]))
        #expect(try sequences.allSatisfy { try !$0.decode("any", as: Bool.self) })
        #expect(sqlState { _ = try db.query("SELECT nextval('disrupt.row_id_counter')") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT last_value FROM disrupt.row_id_counter") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT last_value FROM disrupt.id_key") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT pg_sequence_last_value('disrupt.id_key')") } == "42501")
        // the default itself may be called, and gives nothing but more of the same
        let drawn = try (0..<8).map { _ in try db.query("SELECT disrupt.new_id() AS id")[0].decode("id", as: Int64.self) }
        #expect(Self.countNothing(drawn), "\(drawn)")
    }

    /// The ids are migration 0012's permutation of the counter, bit for bit: a function that gave
    /// any other would give ids that collide with ones already given. Each drawn id is checked
    /// against 0012's four Feistel rounds computed here from the counter value it took, for both
    /// counters, in a database of its own (nothing else draws meanwhile): a guard for whoever
    /// makes `new_id()` cheaper (its five SET clauses, search_path and the four debug settings
    /// quiet_definer_functions gives every definer function, are about 1.3 us of its 3 us a call).
    @Test func theIdsAreMigration0012sPermutationOfTheCounter() throws {
        let location = try TestCluster.freshDatabase("newid")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        for (audit, counter) in [(false, "disrupt.row_id_counter"), (true, "disrupt.audit_log_id_counter")] {
            var drawn: [(id: Int64, counter: Int64)] = []
            for _ in 0..<200 {
                let id = try db.query("SELECT disrupt.new_id(\(audit)) AS id")[0].decode("id", as: Int64.self)
                let value = try db.query("SELECT pg_sequence_last_value(\(counter)::regclass) AS s")[0].decode("s", as: Int64.self)
                drawn.append((id, value))
            }
            let expected = try db.query("""
                SELECT 281474976710656 + r4 AS id
                FROM unnest(\(drawn.map { String($0.counter) })::bigint[]) WITH ORDINALITY c(s, n)
                CROSS JOIN LATERAL (SELECT pg_sequence_last_value('disrupt.id_key') AS k) key
                CROSS JOIN LATERAL (SELECT (s & 16777215) << 24 | ((s >> 24) # (hashint8extended(s & 16777215, k) & 16777215)) AS r1) a
                CROSS JOIN LATERAL (SELECT (r1 & 16777215) << 24 | ((r1 >> 24) # (hashint8extended(r1 & 16777215, k # 1) & 16777215)) AS r2) b
                CROSS JOIN LATERAL (SELECT (r2 & 16777215) << 24 | ((r2 >> 24) # (hashint8extended(r2 & 16777215, k # 2) & 16777215)) AS r3) d
                CROSS JOIN LATERAL (SELECT (r3 & 16777215) << 24 | ((r3 >> 24) # (hashint8extended(r3 & 16777215, k # 3) & 16777215)) AS r4) e
                ORDER BY n
                """).map { try $0.decode("id", as: Int64.self) }
            #expect(Set(drawn.map(\.counter)).count == 200, "each call takes a value of its own counter")
            #expect(drawn.map(\.id) == expected, "new_id(\(audit))")
        }
    }

    @Test func staffSeeNoAuditIdThatCountsOthersActivity() throws {
        let f = fixture
        let db = try f.connect(as: f.health)
        defer { db.close() }
        let other = try f.connect(as: f.police)
        defer { other.close() }
        let purpose = "audit id oracle \(UUID().uuidString)"
        for _ in 0..<10 {
            _ = try db.query("SELECT disrupt.consult(\(purpose), 'psql')")
            for _ in 0..<3 { _ = try other.query("SELECT disrupt.consult('someone else', 'psql')") }
        }
        // her own rows, through the log's one read (disrupt.audit_entries), oldest first
        let ids = try db.query("""
            SELECT id FROM disrupt.audit_entries(NULL, NULL, NULL, NULL, 'consult', 10000) WHERE purpose = \(purpose) ORDER BY at
            """).map { try $0.decode("id", as: Int64.self) }
        #expect(ids.count == 10)
        #expect(Self.countNothing(ids), "\(ids)")
    }

    @Test func consultReturnsThePersonItRecordedAndNothingThatCounts() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        let su = try f.superuser()
        defer { su.close() }
        let hidden: String = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency, sensitivity)
            VALUES (\("P-\(f.token)-cr"), 'Hidden', 'health', 'restricted') RETURNING person_ref
            """)[0].decode("person_ref")
        let first: Int64? = try db.query("SELECT disrupt.consult('returns', 'psql') AS r")[0].decode("r")
        let second: Int64? = try db.query("SELECT disrupt.consult('returns', 'psql') AS r")[0].decode("r")
        #expect(first == nil && second == nil)
        let named: Int64? = try db.query("SELECT disrupt.consult('returns', 'psql', \("P-\(f.token)")) AS r")[0].decode("r")
        #expect(named == f.personID)
        let notSeen: Int64? = try db.query("SELECT disrupt.consult('returns', 'psql', \(hidden)) AS r")[0].decode("r")
        #expect(notSeen == nil)
        let byName: Int64? = try db.query("SELECT disrupt.consult('returns', 'psql', 'Éric Dupont') AS r")[0].decode("r")
        #expect(byName == nil, "a name is kept as typed: the client names the person it resolves in a consultation of its own")
    }
}
