import DisruptCore
import Postgres

/// Reads the counts behind `disrupt report`: the permission check, then the consultation (its
/// only audit record: `consultation`, committed first), then ONE repeatable-read transaction
/// that calls the report's SECURITY
/// DEFINER functions (SQL/definitions/report.sql), which refuse anyone but a chair, a
/// coordinator or an administrator and return counts and unnamed incident facts only.
public struct ReportReader: Sendable {
    /// What the report covers.
    public struct Scope: Sendable {
        public var forum: String
        public var area: String?
        public var from: Day
        public var to: Day
        public var asOf: Day

        public init(forum: String, area: String?, from: Day, to: Day, asOf: Day) {
            self.forum = forum
            self.area = area
            self.from = from
            self.to = to
            self.asOf = asOf
        }
    }

    let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    public func read(_ scope: Scope, purpose: String, format: String, on db: PostgresConnection) throws -> ReportFacts {
        // refused (not a chair, coordinator or administrator; a bad period) before anything is logged
        try db.execute("SELECT disrupt.report_check(\(scope.forum)::text, \(scope.from)::date, \(scope.to)::date)")
        try consultation(scope, purpose: purpose, format: format).open(on: db)
        // one snapshot for every figure; refused (40001) when a change of what staff may read
        // commits while it is open (caller_identity), and then read again, twice at most
        return try retryingSerializationFailures(attempts: 3) {
            try db.transaction {
                try db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                var facts = ReportFacts()
                try readCounts(scope, into: &facts, on: db)
                facts.actions = try readActions(scope, on: db)
                try readOutcomes(scope, into: &facts, on: db)
                return facts
            }
        }
    }

    /// The one audit record: a consultation of personal data in aggregate (no person), with its purpose.
    private func consultation(_ scope: Scope, purpose: String, format: String) -> Consultation {
        var detail = ["forum": scope.forum, "from": scope.from.iso, "to": scope.to.iso, "as_of": scope.asOf.iso, "format": format]
        if let area = scope.area { detail["area"] = area }
        return Consultation(purpose: purpose, scope: "report", detail: detail)
    }

    private func readCounts(_ scope: Scope, into facts: inout ReportFacts, on db: PostgresConnection) throws {
        let rows = try db.query("""
            SELECT measure, key, n FROM disrupt.report_counts(\(scope.forum)::text, \(scope.area)::text, \(scope.from)::date, \(scope.to)::date)
            """)
        for row in rows {
            let measure: String = try row["measure"], key: String? = try row["key"], n: Int = try row["n"]
            switch measure {
            case "referral_agency": facts.referralsByAgency[key ?? "unknown"] = n
            case "referral_criterion": facts.referralsByCriterion[key ?? "unknown"] = n
            case "cases_heard": facts.casesHeard = n
            case "repeat_cases": facts.repeatCases = n
            case "perpetrators": facts.perpetratorsDiscussed = n
            case "serial": facts.serialPerpetrators = n
            case "days_to_hearing": if let days = key.flatMap({ Int($0) }) { facts.daysToHearing.add(days, count: n) }
            default: continue
            }
        }
    }

    private func readActions(_ scope: Scope, on db: PostgresConnection) throws -> [ActionGroup] {
        try db.query("""
            SELECT agency, heading, tactic, state, days_late, n
            FROM disrupt.report_actions(\(scope.forum)::text, \(scope.area)::text, \(scope.from)::date, \(scope.to)::date, \(scope.asOf)::date)
            """).map { row in
            guard let state = ActionGroup.State(rawValue: try row["state"]) else {
                throw StoreError(.failure, "the report's action states do not match this version of disrupt")
            }
            return ActionGroup(agency: try row["agency"], heading: try row["heading"], tactic: try row["tactic"], state: state,
                               daysLate: try row["days_late"], count: try row["n"])
        }
    }

    private func readOutcomes(_ scope: Scope, into facts: inout ReportFacts, on db: PostgresConnection) throws {
        let rows = try db.query("""
            SELECT grp, subject, index_day, occurred_on, victim, offence, gravity, separate_event
            FROM disrupt.report_outcome_incidents(\(scope.forum)::text, \(scope.area)::text, \(scope.from)::date, \(scope.to)::date, \(scope.asOf)::date)
            """)
        var subjects: [Int: (group: String, subject: OutcomeSubject)] = [:]
        var order: [Int] = []
        for row in rows {
            let number: Int = try row["subject"]
            if subjects[number] == nil {
                subjects[number] = (try row["grp"], OutcomeSubject(number: number, indexDay: try row["index_day"], incidents: []))
                order.append(number)
            }
            guard let on: Day = try row["occurred_on"] else { continue }
            let victim: Int? = try row["victim"]
            let offence: String? = try row["offence"]
            let index = subjects[number]?.subject.incidents.count ?? 0
            subjects[number]?.subject.incidents.append(IncidentFact(
                ref: "\(number)-\(index)", victimRef: victim.map { "v\($0)" }, occurredOn: on, offence: offence,
                gravity: model.gravity(explicit: try row["gravity"], offence: offence), separateEvent: try row["separate_event"] ?? false))
        }
        for number in order {
            guard let entry = subjects[number] else { continue }
            if entry.group == "cohort" { facts.cohort.append(entry.subject) } else { facts.comparisonCandidates.append(entry.subject) }
        }
    }
}
