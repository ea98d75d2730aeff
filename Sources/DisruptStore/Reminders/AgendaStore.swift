import DisruptCore
import Foundation
import Postgres

/// One person to discuss at a meeting: the record part from `disrupt.agenda` (reminders.sql,
/// keys as the SQL writes them), the flags and repeats from DisruptCore's rules.
public struct AgendaEntry: Sendable, Codable {
    /// The person's open plan.
    public struct Plan: Sendable, Codable {
        public var id: Int64
        public var spoc_login: String
        public var agency: String
        public var review_on: Day?
        public var version: Int
    }

    /// A Marac referral since the previous meeting.
    public struct Referral: Sendable, Codable {
        public var id: Int64
        public var ref: String
        public var referred_on: Day
        public var criterion: String
        public var dash_score: Int?
        public var party_ref: String?
    }

    /// An incident record since the previous meeting; `repeat` when it is a record of a repeat event.
    public struct Incident: Sendable, Codable {
        public var id: Int64
        public var ref: String
        public var occurred_on: Day
        public var offence: String?
        public var gravity: Int?
        public var party_ref: String?
        public var `repeat`: Bool = false

        enum CodingKeys: String, CodingKey { case id, ref, occurred_on, offence, gravity, party_ref, `repeat` }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            ref = try c.decode(String.self, forKey: .ref)
            occurred_on = try c.decode(Day.self, forKey: .occurred_on)
            offence = try c.decodeIfPresent(String.self, forKey: .offence)
            gravity = try c.decodeIfPresent(Int.self, forKey: .gravity)
            party_ref = try c.decodeIfPresent(String.self, forKey: .party_ref)
        }
    }

    /// A breach since the previous meeting; `repeat` when it breaches an order protecting a referred victim.
    public struct Breach: Sendable, Codable {
        public var id: Int64
        public var ref: String
        public var occurred_on: Day
        public var reported_on: Day?
        public var order_type: String?
        public var action_taken: String?
        public var `repeat`: Bool = false

        enum CodingKeys: String, CodingKey { case id, ref, occurred_on, reported_on, order_type, action_taken, `repeat` }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            ref = try c.decode(String.self, forKey: .ref)
            occurred_on = try c.decode(Day.self, forKey: .occurred_on)
            reported_on = try c.decodeIfPresent(Day.self, forKey: .reported_on)
            order_type = try c.decodeIfPresent(String.self, forKey: .order_type)
            action_taken = try c.decodeIfPresent(String.self, forKey: .action_taken)
        }
    }

    /// One agency's outstanding actions for this person.
    public struct AgencyActions: Sendable, Codable {
        public var agency: String
        public var overdue: Int
        public var actions: [Action]
    }

    /// An outstanding action.
    public struct Action: Sendable, Codable {
        public var id: Int64
        public var heading: String
        /// Nil for a custom action (a free-text label under a heading).
        public var tactic: String?
        /// The custom action's label (nil for a catalogue tactic).
        public var label: String?
        public var owner_login: String?
        public var due_on: Day
        public var status: String
        public var overdue: Bool
        public var days_overdue: Int
        public var needs_safety_check: Bool
        public var safety_checked: Bool
    }

    public var person_ref: String?
    public var name: String?
    public var plan: Plan?
    /// Serial perpetrator as of the meeting day (the `serial_perpetrator` test, as in `triggers`).
    public var serial = false
    /// Escalating as of the meeting day (the `escalation` test, as in `triggers`).
    public var escalating = false
    /// True when `repeats` is not empty: a case the meeting must hear.
    public var `repeat` = false
    /// Every repeat event since the previous meeting (`RepeatRule.events(after:through:)`).
    public var repeats: [RepeatEvent] = []
    public var referrals: [Referral]
    public var incidents: [Incident]
    public var breaches: [Breach]
    public var outstanding: [AgencyActions]
    /// Live actions the SQL left out because their due date was unusable.
    public var left_out: Int?

    enum CodingKeys: String, CodingKey {
        case person_ref, name, plan, serial, escalating, `repeat`, repeats, referrals, incidents, breaches, outstanding, left_out
    }

    /// Decodes the SQL's entry; the rule fields start empty (`AgendaStore` fills them).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        person_ref = try c.decodeIfPresent(String.self, forKey: .person_ref)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        plan = try c.decodeIfPresent(Plan.self, forKey: .plan)
        referrals = try c.decode([Referral].self, forKey: .referrals)
        incidents = try c.decode([Incident].self, forKey: .incidents)
        breaches = try c.decode([Breach].self, forKey: .breaches)
        outstanding = try c.decode([AgencyActions].self, forKey: .outstanding)
        left_out = try c.decodeIfPresent(Int.self, forKey: .left_out)
    }
}

/// The coordinator's agenda for one meeting.
public struct Agenda: Sendable, Encodable {
    public var meetingOn: Day
    public var previousMeetingOn: Day
    /// `flags.repeat_months`: how long after a Marac referral an event is a repeat.
    public var repeatMonths: Int
    public var people: [AgendaEntry]

    enum CodingKeys: String, CodingKey {
        case meetingOn = "meeting_on", previousMeetingOn = "previous_meeting_on", repeatMonths = "repeat_months", people
    }
}

/// Reads the agenda: everyone with an open plan or a Marac referral since the previous meeting,
/// and everyone with a repeat since then (plan or no plan). `disrupt.agenda` selects the
/// candidates and their records; repeat, serial and escalating are decided here by DisruptCore
/// (`RepeatRule`, `TriggerEvaluator`) on the candidates' facts, so the agenda, `triggers` and
/// `summary` share one definition. People with overdue actions come first, then repeats, then
/// by reference. The caller's row-level security applies to the records and to the facts.
public struct AgendaStore: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// Entries, and items inside them, holding a date that cannot be used are left out and counted.
    public func agenda(meetingOn: Day, previousMeetingOn: Day?, on db: PostgresConnection) throws -> Isolated<Agenda> {
        let previous = previousMeetingOn ?? meetingOn.adding(days: -28)
        guard previous < meetingOn else {
            throw StoreError(.usage, "the previous meeting (\(previous.iso)) must be before this one (\(meetingOn.iso))")
        }
        let months = model.triggers.repeatMonths
        let rows = try db.query("""
            SELECT person_id, overdue_actions, listed, entry::text AS entry
            FROM disrupt.agenda(\(meetingOn)::date, \(previous)::date, \(months)::integer)
            """)
        var leftOut = LeftOut()
        var items = 0
        let candidates = try RowIsolation.decodeEach(rows, what: "agenda entry", into: &leftOut) { row -> Candidate in
            let pruned = RowIsolation.pruneDates(try row.decode("entry", as: String.self))
            let entry = try JSONDecoder().decode(AgendaEntry.self, from: Data(pruned.text.utf8))
            items += pruned.leftOut + (entry.left_out ?? 0)
            return Candidate(
                personID: try row["person_id"], overdue: try row["overdue_actions"], listed: try row["listed"], entry: entry)
        }
        leftOut.add(items, "agenda item")
        let facts = try loadFacts(candidates.map(\.personID), on: db)
        let evaluator = model.evaluator(asOf: meetingOn)
        let rule = model.triggers.repeatRule
        var kept: [(candidate: Candidate, position: Int)] = []
        for (position, candidate) in candidates.enumerated() {
            var c = candidate
            if let personFacts = facts[c.personID] {
                let incidents = DisruptCore.Incident.consolidate(personFacts.incidents)
                let flags = evaluator.assess(personFacts).flags
                c.entry.serial = flags.serial
                c.entry.escalating = flags.escalating
                c.entry.repeats = rule.events(personFacts, incidents: incidents, after: previous, through: meetingOn)
                c.entry.repeat = !c.entry.repeats.isEmpty
                mark(&c.entry, incidents: incidents)
            }
            if c.listed || c.entry.repeat { kept.append((c, position)) }
        }
        kept.sort { a, b in
            let x = (a.candidate.overdue > 0, a.candidate.entry.repeat), y = (b.candidate.overdue > 0, b.candidate.entry.repeat)
            if x != y { return x.0 != y.0 ? x.0 : x.1 }
            return a.position < b.position
        }
        return Isolated(Agenda(meetingOn: meetingOn, previousMeetingOn: previous, repeatMonths: months,
                               people: kept.map(\.candidate.entry)), leftOut: leftOut)
    }

    /// One row of `disrupt.agenda`.
    private struct Candidate {
        var personID: Int64
        var overdue: Int
        var listed: Bool
        var entry: AgendaEntry
    }

    /// The candidates' facts as the caller sees them (`FactsLoader`, the loader `recompute` uses).
    private func loadFacts(_ ids: [Int64], on db: PostgresConnection) throws -> [Int64: PersonFacts] {
        guard let lo = ids.min(), let hi = ids.max() else { return [:] }
        var result: [Int64: PersonFacts] = [:]
        for (id, facts) in try FactsLoader(model: model).load(lo: lo, hi: hi, ids: ids, on: db) { result[id] = facts }
        return result
    }

    /// Marks the incident records and breaches that are repeat events (a repeat incident's every record).
    private func mark(_ entry: inout AgendaEntry, incidents: [DisruptCore.Incident]) {
        guard entry.repeat else { return }
        var records = Set<String>(), breaches = Set<String>()
        for event in entry.repeats {
            if event.kind == .breach {
                breaches.insert(event.ref)
            } else if let incident = incidents.first(where: { $0.ref == event.ref }) {
                records.formUnion(incident.recordRefs)
            }
        }
        for i in entry.incidents.indices { entry.incidents[i].repeat = records.contains(entry.incidents[i].ref) }
        for i in entry.breaches.indices { entry.breaches[i].repeat = breaches.contains(entry.breaches[i].ref) }
    }
}
