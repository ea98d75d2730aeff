import DisruptCore
import Foundation

// The meeting cycle as `SQL/definitions/forum.sql` writes it (keys as the SQL writes them).

/// A meeting: forum, day, area, chair, length, status and its invited agencies' attendance.
public struct MeetingHeader: Sendable, Codable {
    /// One invited agency and whether it came.
    public struct Agency: Sendable, Codable {
        public var agency: String
        /// present, apologies_sent (apologies, information sent), absent; nil until recorded.
        public var attendance: String?
        public var representative: String?
    }

    public var meeting: String
    public var forum: String
    public var mappa_level: Int?
    public var area: String
    public var held_on: Day
    public var length_minutes: Int
    public var chair: String
    public var chair_name: String?
    public var status: String
    public var version: Int
    public var research_due_on: Day?
    public var closed_at: Date?
    public var closed_by: String?
    public var agencies: [Agency]
}

/// One case on a meeting's agenda, as far as the reader (or the agency of a copy) may see it.
public struct CaseSheet: Sendable, Codable {
    /// The victim of a Marac case: name and date of birth only.
    public struct Victim: Sendable, Codable {
        public var party_ref: String
        public var given_name: String?
        public var family_name: String?
        public var date_of_birth: Day?
    }

    /// A perpetrator with the stored score (nil when not scored).
    public struct Perpetrator: Sendable, Codable {
        public var person_ref: String
        public var given_name: String?
        public var family_name: String
        public var date_of_birth: Day?
        public var score: Int?
        public var band: String?
        public var rfg: Int?
    }

    /// A referral that brought the case.
    public struct Referral: Sendable, Codable {
        public var ref: String
        public var referred_on: Day
        public var criterion: String
        public var dash_score: Int?
    }

    /// The referral-to-hearing clock of this hearing.
    public struct Clock: Sendable, Codable {
        public var referral: String
        public var referred_on: Day
        public var days_waiting: Int
    }

    /// One invited agency's research return.
    public struct Research: Sendable, Codable {
        public var agency: String
        /// requested, submitted, nothing_held, not_submitted.
        public var status: String
        public var note: String?
        public var returned_by: String?
        public var returned_at: Date?

        /// Not (yet) returned.
        public var isOutstanding: Bool { status == "requested" || status == "not_submitted" }
    }

    /// A decision of the meeting.
    public struct Decision: Sendable, Codable {
        public var id: Int64
        public var text: String
        public var restricted: Bool
        public var agency: String?
        public var by: String
    }

    /// An action the hearing agreed (a plan action linked to the hearing).
    public struct AgreedAction: Sendable, Codable {
        public var id: Int64
        public var person_ref: String
        public var heading: String
        public var tactic: String?
        public var label: String?
        public var agency: String
        public var owner_login: String?
        public var due_on: Day
        public var status: String
    }

    /// One agency's live actions overdue on the meeting's day.
    public struct AgencyOverdue: Sendable, Codable {
        /// An overdue action.
        public struct Action: Sendable, Codable {
            public var id: Int64
            public var heading: String
            public var tactic: String?
            public var label: String?
            public var owner_login: String?
            public var due_on: Day
            public var days_overdue: Int
        }

        public var agency: String
        public var actions: [Action]
    }

    /// The case's previous hearing: where a "since last heard" brief attaches.
    public struct LastHeard: Sendable, Codable {
        public var meeting: String
        public var heard_on: Day
        public var hearing_number: Int
    }

    public var hearing_id: Int64
    public var case_ref: String
    public var forum: String
    public var hearing_number: Int
    /// listed, heard, deferred.
    public var status: String
    public var heard_on: Day?
    public var idva_login: String?
    /// Hearings of the case that were not deferred (this one included).
    public var hearings: Int
    public var `repeat`: Bool
    public var victim: Victim?
    public var perpetrators: [Perpetrator]
    public var risk_score: Int?
    public var referrals: [Referral]
    public var clock: Clock?
    public var research: [Research]
    public var decisions: [Decision]
    public var agreed_actions: [AgreedAction]
    public var overdue: [AgencyOverdue]
    public var last_heard: LastHeard?

    /// Agencies asked for research that have not returned it.
    public var outstandingResearch: [String] { research.filter(\.isOutstanding).map(\.agency) }
}

/// A meeting's agenda: the cases ordered by risk, the clock and the time budget.
public struct MeetingAgenda: Sendable, Encodable {
    public var meeting: MeetingHeader
    public var cases: [CaseSheet]
    public var budget: MeetingTimeBudget
    /// Referrals waiting longer than this are flagged.
    public var waitingLimitDays: Int
    /// Cases whose clock is past the limit.
    public var overWaitingLimit: [String]
    /// "Since last heard", by case reference: for each case heard before, one brief per
    /// perpetrator the reader may see (empty until `MeetingReader.sinceLastHeard` fills it).
    public var sinceLastHeard: [String: [PerpetratorSinceLastHeard]] = [:]

    enum CodingKeys: String, CodingKey {
        case meeting, cases, budget, waitingLimitDays = "waiting_limit_days", overWaitingLimit = "over_waiting_limit"
        case sinceLastHeard = "since_last_heard"
    }
}

/// What changed about one perpetrator of a repeat case since the case's previous hearing.
public struct PerpetratorSinceLastHeard: Sendable, Encodable {
    public var person_ref: String
    public var brief: SinceLastHeardBrief

    public init(person_ref: String, brief: SinceLastHeardBrief) {
        self.person_ref = person_ref
        self.brief = brief
    }
}

/// The minutes of a meeting (one agency's copy, or the reader's own), as produced and audited by
/// `disrupt.meeting_minutes`.
public struct MeetingMinutes: Sendable, Encodable {
    public var meeting: MeetingHeader
    /// The agency whose copy this is (nil: the reader's own view).
    public var copyFor: String?
    public var producedBy: String
    public var producedAt: Date
    public var recipients: [String]
    public var cases: [CaseSheet]

    /// The agreed actions grouped by owning agency (agency order), each with its case.
    public var actionsByAgency: [(agency: String, actions: [(caseRef: String, action: CaseSheet.AgreedAction)])] {
        let all = cases.flatMap { sheet in sheet.agreed_actions.map { (caseRef: sheet.case_ref, action: $0) } }
        return Dictionary(grouping: all, by: \.action.agency).sorted { $0.key < $1.key }.map { (agency: $0.key, actions: $0.value) }
    }

    enum CodingKeys: String, CodingKey {
        case meeting, copyFor = "copy_for", producedBy = "produced_by", producedAt = "produced_at", recipients, cases
        case actionsByAgency = "actions_by_agency"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(meeting, forKey: .meeting)
        try c.encode(copyFor, forKey: .copyFor)
        try c.encode(producedBy, forKey: .producedBy)
        try c.encode(producedAt, forKey: .producedAt)
        try c.encode(recipients, forKey: .recipients)
        try c.encode(cases, forKey: .cases)
        try c.encode(Dictionary(uniqueKeysWithValues: actionsByAgency.map { group in
            (group.agency, group.actions.map { CaseAction(case_ref: $0.caseRef, action: $0.action) })
        }), forKey: .actionsByAgency)
    }

    private struct CaseAction: Encodable {
        var case_ref: String
        var action: CaseSheet.AgreedAction
    }
}

/// A meeting in `meeting list`.
public struct MeetingListItem: Sendable, Codable {
    public var meeting: String
    public var forum: String
    public var held_on: Day
    public var area: String
    public var chair: String
    public var status: String
    public var length_minutes: Int
    /// Cases on it that the reader may see.
    public var cases: Int
}

/// A Marac referral not yet heard, for the coordinator.
public struct WaitingReferral: Sendable, Codable {
    public var referral: String
    public var person_ref: String
    public var victim_ref: String?
    public var referred_on: Day
    public var criterion: String
    public var dash_score: Int?
    public var case_ref: String?
    /// The planned meeting it is listed at, if any.
    public var listed_at: String?
    public var listed_on: Day?
    public var days_waiting: Int
    public var over_limit: Bool
}

/// A case just listed at a meeting.
public struct ListedCase: Sendable, Codable {
    public var meeting: String
    public var case_ref: String
    public var hearing_number: Int
    public var hearing_id: Int64
}
