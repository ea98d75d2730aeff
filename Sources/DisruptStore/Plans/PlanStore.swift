import DisruptCore
import Foundation
import Postgres

/// Disruption plans: open, read, list, update and close, each through the SQL functions of SQL/definitions/plans.sql
/// (which check who may, the optimistic version and the rules) in one transaction.
public struct PlanStore: Sendable {
    public init() {}

    /// Opens a plan for a person named by reference, PNC id or exact name. Returns it.
    public func open(person: String, spocLogin: String, reviewOn: Day?, asOf: Day, on db: PostgresConnection) throws -> PlanRecord {
        try db.transaction {
            let resolved = try PersonResolver().resolve(person, on: db)
            let id: Int64 = try StateReport.explaining {
                try db.query("SELECT disrupt.plan_open(\(resolved.ref), \(spocLogin), \(reviewOn)::date) AS id")[0].decode("id")
            }
            return try plan(id: id, asOf: asOf, on: db)
        }
    }

    /// Changes the SPOC and/or review date. `version` nil: the version read now (no stale check
    /// against an earlier read). Returns the plan after the change.
    public func update(planId: Int64, version: Int?, spocLogin: String?, reviewOn: Day?, asOf: Day, on db: PostgresConnection) throws -> PlanRecord {
        try db.transaction {
            let expected = try version ?? currentVersion(planId, on: db)
            _ = try StateReport.explaining {
                try db.query("SELECT disrupt.plan_update(\(planId), \(expected), \(spocLogin), \(reviewOn)::date)")
            }
            return try plan(id: planId, asOf: asOf, on: db)
        }
    }

    /// Closes a plan; its live actions are cancelled with the same reason.
    public func close(planId: Int64, version: Int?, reason: String, asOf: Day, on db: PostgresConnection) throws -> PlanRecord {
        try db.transaction {
            let expected = try version ?? currentVersion(planId, on: db)
            _ = try StateReport.explaining {
                try db.query("SELECT disrupt.plan_close(\(planId), \(expected), \(reason))")
            }
            return try plan(id: planId, asOf: asOf, on: db)
        }
    }

    /// A plan with every agency's actions, overdue ones marked as of `asOf`. `text` is a plan id
    /// (digits) or a person (reference, PNC id or name: their open plan, else their latest).
    /// Actions holding a value that cannot be decoded are left out and counted.
    public func detail(_ text: String, asOf: Day, on db: PostgresConnection) throws -> Isolated<PlanDetail> {
        try db.transaction {
            let id = try resolvePlan(text, on: db)
            let plan = try plan(id: id, asOf: asOf, on: db)
            let actions = try ActionStore().list(ActionFilter(planId: id, statuses: nil), asOf: asOf, on: db)
            return Isolated(PlanDetail(plan: plan, actions: actions.value, asOf: asOf), leftOut: actions.leftOut)
        }
    }

    /// Plans, newest first, optionally only one SPOC's and/or one status ("open", "closed"; nil = both).
    /// A plan holding a value that cannot be decoded is left out and counted.
    public func list(spocLogin: String?, status: String?, asOf: Day, on db: PostgresConnection) throws -> Isolated<[PlanRecord]> {
        var leftOut = LeftOut()
        let plans = try RowIsolation.decodeEach(try query(id: nil, spocLogin: spocLogin, status: status, asOf: asOf, on: db),
                                                what: "plan", into: &leftOut) { try PlanRecord(row: $0) }
        return Isolated(plans, leftOut: leftOut)
    }

    /// One plan by id; not found is exit 3.
    public func plan(id: Int64, asOf: Day, on db: PostgresConnection) throws -> PlanRecord {
        guard let plan = try query(id: id, spocLogin: nil, status: nil, asOf: asOf, on: db).first.map(PlanRecord.init(row:)) else {
            throw StoreError(.notFound, "plan \(id) not found", hint: "List plans with: disrupt plan list")
        }
        return plan
    }

    /// The plan a command names: digits are a plan id; anything else names a person.
    public func resolvePlan(_ text: String, on db: PostgresConnection) throws -> Int64 {
        if let id = Int64(text), id > 0 { return id }
        let person = try PersonResolver().resolve(text, on: db)
        let rows = try db.query("""
            SELECT id FROM disrupt.plan WHERE person_id = \(person.id)
             ORDER BY status = 'open' DESC, opened_at DESC, id DESC LIMIT 1
            """)
        guard let row = rows.first else {
            throw StoreError(.notFound, "\(person.ref) has no plan", hint: "Open one with: disrupt plan open \(person.ref) --spoc LOGIN")
        }
        return try row["id"]
    }

    private func currentVersion(_ planId: Int64, on db: PostgresConnection) throws -> Int? {
        try db.query("SELECT version FROM disrupt.plan WHERE id = \(planId)").first?.decode("version")
    }

    private func query(id: Int64?, spocLogin: String?, status: String?, asOf: Day, on db: PostgresConnection) throws -> PostgresRows {
        try db.query("""
            SELECT p.id, coalesce(pe.person_ref, 'person ' || p.person_id) AS person_ref, p.spoc_login, p.agency,
                   p.status, p.review_on, p.version, p.opened_at, p.opened_by, p.closed_at, p.close_reason,
                   count(a.id)::int AS live_actions,
                   count(a.id) FILTER (WHERE a.due_on < \(asOf)::date)::int AS overdue_actions
              FROM disrupt.plan p
              LEFT JOIN disrupt.person pe ON pe.id = p.person_id
              LEFT JOIN disrupt.action a ON a.plan_id = p.id AND a.status IN ('open', 'in_progress', 'blocked')
             WHERE (\(id)::bigint IS NULL OR p.id = \(id)::bigint)
               AND (\(spocLogin)::text IS NULL OR p.spoc_login = \(spocLogin)::text)
               AND (\(status)::text IS NULL OR p.status = \(status)::text)
             GROUP BY p.id, pe.person_ref
             ORDER BY p.status = 'open' DESC, p.opened_at DESC, p.id DESC
            """)
    }
}

/// Read by column name from the query above.
extension PlanRecord: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], personRef: try row["person_ref"], spocLogin: try row["spoc_login"],
            agency: try row["agency"], status: try row["status"], reviewOn: try row["review_on"],
            version: try row["version"], openedAt: try row["opened_at"], openedBy: try row["opened_by"],
            closedAt: try row["closed_at"], closeReason: try row["close_reason"],
            liveActions: try row["live_actions"], overdueActions: try row["overdue_actions"])
    }
}
