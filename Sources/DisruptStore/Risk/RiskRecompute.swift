import DisruptCore
import Foundation
import Postgres

/// What a recompute did.
public struct RecomputeReport: Sendable, Encodable, Equatable {
    public var asOf: Day
    /// "dirty" (people whose records changed) or "all".
    public var mode: String
    /// People scored.
    public var people: Int
    /// History rows written (people whose score, band, triggers, flags or RFG changed).
    public var changed: Int
    /// Stored scores removed (people merged into another).
    public var removed: Int
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", mode, people, changed, removed, seconds
    }
}

/// Scores people and stores the result in `disrupt.risk_current` (plus a
/// `disrupt.risk_assessment` history row when something changed), in batches of
/// `batchSize` people: each batch is one transaction that takes its people off
/// `disrupt.person_dirty`, reads their records (one statement of range scans, in binary
/// format; with `all`, the parties come from one `PartyDirectory` read at the start instead of
/// a join in every batch) and their stored rows (`StoredRisk`), and evaluates the rules
/// (`RiskScorer`, without reasons). Only the people whose result differs from their stored row
/// are explained and sent: COPYed into a temporary table (`disrupt.risk_batch_open`, risk.sql)
/// and merged with one INSERT ... ON CONFLICT, which still leaves a row whose values are
/// unchanged as it is; a row that differs only in its as-of day gets the new day. So a
/// recompute that changes nothing writes nothing, and one the next day writes the day alone.
/// A failure leaves earlier batches stored and later people still queued.
///
/// `workers` batches run at once, each on its own connection (the caller's and
/// `workers - 1` more of the same login) and thread, so the server's reads and writes for one
/// batch overlap the rules of another and both cores work. Batches are ranges of person ids
/// planned at the start (of every live person, or of the queued ones: the queue has a row per
/// write, migration 0018, and a person's rows all fall in one range), so they hold disjoint
/// people and their transactions never wait for one another. A person queued after the plan is
/// scored by this run when his id falls in a planned range (the batch takes his committed queue
/// rows with the range's), else left for the next run.
///
/// Only administrators may recompute. Every staff member who may see a person reads his
/// stored score, so it is computed only from what every staff member may read: his shared
/// records and shared parties (`FactsLoader` sharedOnly); a restricted record never moves a
/// stored score, band, flag or trigger code. Each connection opens the run's consultation
/// (`consultation`, committed) before it reads.
public struct RiskRecompute: Sendable {
    public let model: RiskModel
    public let batchSize: Int
    public let workers: Int
    /// Opened (and committed) on every connection before it reads records.
    public let consultation = Consultation(purpose: "disrupt recompute: stored risk scores from shared records", scope: "recompute")

    public init(model: RiskModel, batchSize: Int = 5_000, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.model = model
        self.batchSize = batchSize
        self.workers = max(1, workers)
    }

    /// Recomputes queued people (or, with `all`, every live person) as of `asOf`.
    /// `progress` receives (people done, people to do) after each batch, from one thread at a time.
    public func run(
        all: Bool, asOf: Day, on db: PostgresConnection, progress: ((Int, Int) -> Void)? = nil
    ) throws -> RecomputeReport {
        let started = Date()
        guard try db.query("SELECT disrupt.is_admin() AS admin")[0].decode("admin", as: Bool.self) else {
            throw StoreError(
                .permissionDenied, "only an administrator can recompute stored risk scores",
                hint: "Ask an administrator (or the nightly job) to run: disrupt recompute")
        }
        // the run's consultation, committed on this connection before its first read (and on each
        // further connection below)
        try consultation.open(on: db)
        // every live (or queued) person's id (one statement, binary), cut into ranges of
        // batchSize people
        let rows = try db.queryBinary(all
            ? "SELECT id FROM disrupt.person WHERE merged_into IS NULL"
            : "SELECT DISTINCT person_id AS id FROM disrupt.person_dirty")
        var ids = try (0..<rows.count).map { row in
            guard let id = try rows.int64(row, 0) else { throw PostgresDecodingError(column: "id", type: "Int64", reason: "the value is NULL") }
            return id
        }
        ids.sort()
        let total = ids.count
        let ranges = stride(from: 0, to: total, by: batchSize).map { ids[$0]...ids[min($0 + batchSize, total) - 1] }
        let batches = ranges.count
        var opened = [db]
        defer { opened.dropFirst().forEach { $0.close() } }
        for _ in 1..<max(1, min(workers, batches)) { opened.append(try db.openAnother()) }
        for connection in opened {
            if connection !== db { try consultation.open(on: connection) }
            try connection.execute("SELECT disrupt.risk_batch_open()")
        }
        let connections = opened

        // every shared party, read once for the whole run rather than joined in each batch
        let parties = all ? try PartyDirectory(sharedOnly: true, on: db) : nil
        let loader = FactsLoader(model: model)
        let scorer = model.scorer(asOf: asOf)
        let state = RecomputeState(
            report: RecomputeReport(asOf: asOf, mode: all ? "all" : "dirty", people: 0, changed: 0, removed: 0, seconds: 0),
            progress: progress.map { progress in { progress($0, total) } })
        DispatchQueue.concurrentPerform(iterations: connections.count) { worker in
            let db = connections[worker]
            while let index = state.next(limit: ranges.count) {
                do {
                    let batch = try db.transaction {
                        try self.batch(ranges[index], all: all, loader: loader, parties: parties, scorer: scorer, on: db)
                    }
                    state.add(batch)
                } catch {
                    return state.fail(error)
                }
            }
        }
        var report = try state.result()
        if all {
            report.removed += try db.execute("""
                DELETE FROM disrupt.risk_current rc
                WHERE NOT EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = rc.person_id AND p.merged_into IS NULL)
                """)
        }
        report.seconds = (Date().timeIntervalSince(started) * 100).rounded() / 100
        return report
    }

    /// One batch, inside its transaction: the people of `range`, every live one (`all`) or the
    /// queued ones, taken off the queue (the committed rows: a writer still in flight keeps its
    /// row for the next run). Only people whose result differs from their stored row are sent
    /// (COPY, history, merge); those whose row differs only in its as-of day get that day.
    private func batch(
        _ range: ClosedRange<Int64>, all: Bool, loader: FactsLoader, parties: PartyDirectory?, scorer: RiskScorer,
        on db: PostgresConnection
    ) throws -> RecomputeBatch {
        let asOf = scorer.evaluator.asOf
        // each person once, with the latest time one of his records changed
        let taken = try db.query("""
            WITH taken AS (DELETE FROM disrupt.person_dirty WHERE person_id BETWEEN \(range.lowerBound) AND \(range.upperBound)
                           RETURNING person_id, marked_at)
            SELECT person_id, max(marked_at)::text AS marked_at FROM taken GROUP BY person_id ORDER BY person_id
            """).map { (id: try $0.decode("person_id", as: Int64.self), changedAt: try $0.decode("marked_at", as: String?.self)) }
        let people = all
            ? try loader.load(lo: range.lowerBound, hi: range.upperBound, ids: nil, sharedOnly: true, parties: parties, on: db)
            : taken.isEmpty ? [] : try loader.load(lo: range.lowerBound, hi: range.upperBound, ids: taken.map(\.id), sharedOnly: true, on: db)
        let changedAt = Dictionary(uniqueKeysWithValues: taken.map { ($0.id, $0.changedAt) })
        let stored = all
            ? try StoredRisk.read(range, ids: nil, on: db)
            : people.isEmpty ? [:] : try StoredRisk.read(range, ids: people.map(\.id), on: db)
        let versions = (model: model.triggers.version, rfg: model.rfg.version)
        var rows = RiskRowWriter()
        var sent = 0
        var redated: (ids: [String], computedAt: [String]) = ([], [])
        for (id, facts) in people {
            // a person whose stored row is of these rules' versions is scored without reasons
            // first: most people's result is what is stored, and only a written result needs them
            if let kept = stored[id], kept.risk.modelVersion == versions.model, kept.risk.rfgVersion == versions.rfg {
                let (assessment, rfg) = scorer.score(facts, explained: false)
                if kept.risk == StoredRisk(assessment, rfg) {
                    if kept.asOf != asOf {
                        redated.ids.append(String(id))
                        redated.computedAt.append(kept.computedAt)
                    }
                    continue
                }
            }
            let explained = scorer.score(facts)
            rows.append(id: id, assessment: explained.assessment, rfg: explained.rfg, changedAt: changedAt[id] ?? nil)
            sent += 1
        }
        var changed = 0
        if sent > 0 {
            try db.copyIn("COPY risk_batch FROM STDIN (FORMAT csv)") { try $0.write(rows.buffer) }
            changed = try db.execute(Self.history)
            try db.execute(Self.upsert)
        }
        if !redated.ids.isEmpty {
            // only rows still as they were read: one another run changed since keeps its values and day
            try db.execute("""
                UPDATE disrupt.risk_current rc SET as_of = \(asOf), computed_at = now()
                FROM unnest(\(redated.ids)::bigint[], \(redated.computedAt)::text[]) AS kept (person_id, computed_at)
                WHERE rc.person_id = kept.person_id AND rc.computed_at::text = kept.computed_at
                """)
        }
        // queued people who are no longer live (merged) lose their stored score
        let removed = all ? 0 : try db.execute("""
            DELETE FROM disrupt.risk_current rc
            WHERE rc.person_id = ANY (\(taken.map { String($0.id) })::bigint[])
              AND NOT EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = rc.person_id AND p.merged_into IS NULL)
            """)
        return RecomputeBatch(scored: people.count, changed: changed, removed: removed)
    }

    /// A history row for each person whose result differs from the stored one (or who has none).
    static let history: PostgresQuery = """
        INSERT INTO disrupt.risk_assessment
            (person_id, as_of, inputs_changed_at, model_version, score, band, triggers, flags, rfg, rfg_version,
             serial, escalating, is_repeat)
        SELECT b.person_id, b.as_of, b.inputs_changed_at, b.model_version, b.score, b.band, b.triggers::jsonb, b.flags::jsonb,
               b.rfg::jsonb, b.rfg_version, b.serial, b.escalating, b.is_repeat
        FROM risk_batch b
        LEFT JOIN disrupt.risk_current c ON c.person_id = b.person_id
        WHERE c.person_id IS NULL
           OR (c.score, c.band, c.trigger_codes, c.rfg_recency, c.rfg_frequency, c.rfg_gravity, c.rfg_victims,
               c.serial, c.escalating, c.is_repeat, c.model_version, c.rfg_version)
              IS DISTINCT FROM
              (b.score, b.band, b.trigger_codes, b.rfg_recency, b.rfg_frequency, b.rfg_gravity, b.rfg_victims,
               b.serial, b.escalating, b.is_repeat, b.model_version, b.rfg_version)
        """

    static let upsert: PostgresQuery = """
        INSERT INTO disrupt.risk_current AS c
            (person_id, as_of, computed_at, score, band, trigger_codes, rfg_recency, rfg_frequency, rfg_gravity,
             rfg_victims, rfg_total, victims, latest_incident_on, serial, escalating, is_repeat, model_version, rfg_version)
        SELECT b.person_id, b.as_of, now(), b.score, b.band, b.trigger_codes, b.rfg_recency, b.rfg_frequency,
               b.rfg_gravity, b.rfg_victims, b.rfg_total, b.victims, b.latest_incident_on, b.serial, b.escalating,
               b.is_repeat, b.model_version, b.rfg_version
        FROM risk_batch b
        ON CONFLICT (person_id) DO UPDATE SET
            as_of = excluded.as_of, computed_at = excluded.computed_at, score = excluded.score, band = excluded.band,
            trigger_codes = excluded.trigger_codes, rfg_recency = excluded.rfg_recency,
            rfg_frequency = excluded.rfg_frequency, rfg_gravity = excluded.rfg_gravity,
            rfg_victims = excluded.rfg_victims, rfg_total = excluded.rfg_total, victims = excluded.victims,
            latest_incident_on = excluded.latest_incident_on, serial = excluded.serial,
            escalating = excluded.escalating, is_repeat = excluded.is_repeat,
            model_version = excluded.model_version, rfg_version = excluded.rfg_version
        -- a person whose result is what is stored keeps the row as it is (computed_at included):
        -- recomputing what did not change writes nothing
        WHERE (c.as_of, c.score, c.band, c.trigger_codes, c.rfg_recency, c.rfg_frequency, c.rfg_gravity, c.rfg_victims,
               c.rfg_total, c.victims, c.latest_incident_on, c.serial, c.escalating, c.is_repeat, c.model_version, c.rfg_version)
              IS DISTINCT FROM
              (excluded.as_of, excluded.score, excluded.band, excluded.trigger_codes, excluded.rfg_recency,
               excluded.rfg_frequency, excluded.rfg_gravity, excluded.rfg_victims, excluded.rfg_total, excluded.victims,
               excluded.latest_incident_on, excluded.serial, excluded.escalating, excluded.is_repeat,
               excluded.model_version, excluded.rfg_version)
        """
}
