import DisruptCore
import Postgres

/// Reads "since last heard" for one person as the caller: the day of his case's last hearing
/// (`disrupt.last_heard_on`, over the cases the caller may see), the reminders raised about him
/// that the caller may read, his actions marked done, and his stored score on that day
/// (`disrupt.stored_risk_on`) against now (`risk_current`). Everything else comes from the
/// dossier the caller has already read, so the brief stays within that consultation; call it
/// inside the same transaction.
///
/// For the meeting agenda and the summary: `brief(personID:dossier:since:asOf:on:)` with a
/// dossier from `PersonDossierReader`.
public struct SinceLastHeardReader: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// The day his case was last heard, over the cases the caller may see; nil if never.
    public func lastHeardOn(personID: Int64, on db: PostgresConnection) throws -> Day? {
        try db.query("SELECT disrupt.last_heard_on(\(personID)) AS day")[0]["day"]
    }

    /// The brief since `since` (nil: the last hearing; no hearing and no day: nil).
    public func brief(personID: Int64, dossier: PersonDossier, since: Day?, asOf: Day, on db: PostgresConnection) throws -> SinceLastHeardBrief? {
        let basis = since == nil ? "last_hearing" : "given"
        guard let day = try since ?? lastHeardOn(personID: personID, on: db) else { return nil }
        return SinceLastHeard(model: model).brief(
            dossier, since: day, basis: basis, asOf: asOf, events: try events(personID: personID, since: day, asOf: asOf, on: db))
    }


    /// The reminders, done actions and stored scores the dossier does not hold.
    func events(personID: Int64, since: Day, asOf: Day, on db: PostgresConnection) throws -> SinceLastHeardEvents {
        let after = asOf.adding(days: 1)
        let reminders = try db.query("""
            SELECT kind, raised_on, due_on, message FROM disrupt.reminders_about(\(personID), \(since)::date, \(after)::date)
            """).map {
            SinceReminder(kind: try $0["kind"], raisedOn: try $0["raised_on"], dueOn: try $0["due_on"], message: try $0["message"])
        }
        let done = try db.query("""
            SELECT a.id, coalesce(a.tactic, a.label) AS tactic, a.agency, a.outcome, h.at::date AS done_on
            FROM disrupt.action_history h
            JOIN disrupt.action a ON a.id = h.action_id
            JOIN disrupt.plan pl ON pl.id = a.plan_id
            WHERE pl.person_id = \(personID) AND h.change = 'done' AND h.at >= \(since)::date AND h.at < \(after)::date
            ORDER BY h.at, a.id
            """).map {
            SinceActionDone(
                id: try $0["id"], tactic: try $0["tactic"], tacticLabel: try $0["tactic"], agency: try $0["agency"],
                doneOn: try $0["done_on"], outcome: try $0["outcome"])
        }
        let then = try db.query("SELECT * FROM disrupt.stored_risk_on(\(personID), \(since)::date)").first.map(Self.score)
        let now = try db.query("""
            SELECT as_of, score, band, rfg_total FROM disrupt.risk_current WHERE person_id = \(personID)
            """).first.map(Self.score)
        return SinceLastHeardEvents(reminders: reminders, actionsDone: done, then: then, now: now)
    }

    private static func score(_ row: PostgresRow) throws -> StoredScore {
        StoredScore(asOf: try row["as_of"], score: try row["score"], band: try row["band"], rfg: try row["rfg_total"])
    }
}
