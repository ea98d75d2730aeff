import DisruptCore
import Foundation
import Postgres

/// One person to discuss at a meeting, from `disrupt.agenda` (reminders.sql) (keys as the SQL writes them).
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
        public var referred_on: Day
        public var criterion: String
        public var dash_score: Int?
        public var party_ref: String?
        public var `repeat`: Bool
    }

    /// An incident since the previous meeting.
    public struct Incident: Sendable, Codable {
        public var id: Int64
        public var occurred_on: Day
        public var offence: String?
        public var gravity: Int?
        public var party_ref: String?
        public var `repeat`: Bool
    }

    /// A breach since the previous meeting.
    public struct Breach: Sendable, Codable {
        public var id: Int64
        public var occurred_on: Day
        public var reported_on: Day?
        public var order_type: String?
        public var action_taken: String?
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
    public var `repeat`: Bool
    public var repeat_reasons: [String]
    public var referrals: [Referral]
    public var incidents: [Incident]
    public var breaches: [Breach]
    public var outstanding: [AgencyActions]
    /// Live actions the SQL left out because their due date was unusable.
    public var left_out: Int?
}

/// The coordinator's agenda for one meeting.
public struct Agenda: Sendable, Encodable {
    public var meetingOn: Day
    public var previousMeetingOn: Day
    public var people: [AgendaEntry]

    enum CodingKeys: String, CodingKey { case meetingOn = "meeting_on", previousMeetingOn = "previous_meeting_on", people }
}

/// Reads the agenda: everyone with an open plan or a referral since the previous meeting,
/// people with overdue actions first, then repeats. The caller's row-level security applies.
public struct AgendaStore: Sendable {
    public init() {}

    /// Entries, and items inside them, holding a date that cannot be used are left out and counted.
    public func agenda(meetingOn: Day, previousMeetingOn: Day?, on db: PostgresConnection) throws -> Isolated<Agenda> {
        let previous = previousMeetingOn ?? meetingOn.adding(days: -28)
        guard previous < meetingOn else {
            throw StoreError(.usage, "the previous meeting (\(previous.iso)) must be before this one (\(meetingOn.iso))")
        }
        let rows = try db.query("SELECT entry::text AS entry FROM disrupt.agenda(\(meetingOn)::date, \(previous)::date)")
        var leftOut = LeftOut()
        var items = 0
        let people = try RowIsolation.decodeEach(rows, what: "agenda entry", into: &leftOut) { row -> AgendaEntry in
            let pruned = RowIsolation.pruneDates(try row.decode("entry", as: String.self))
            let entry = try JSONDecoder().decode(AgendaEntry.self, from: Data(pruned.text.utf8))
            items += pruned.leftOut + (entry.left_out ?? 0)
            return entry
        }
        leftOut.add(items, "agenda item")
        return Isolated(Agenda(meetingOn: meetingOn, previousMeetingOn: previous, people: people), leftOut: leftOut)
    }
}
