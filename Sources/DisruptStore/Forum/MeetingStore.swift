import DisruptCore
import Foundation
import Postgres

/// The meeting cycle's changes: plan, attendance, cases, research returns, hearings, decisions,
/// agreed actions and closing, each one call of a SECURITY DEFINER function of
/// `SQL/definitions/forum.sql` (which checks who may, and the rules) in one transaction.
/// A refusal carrying the meeting's state (a closed meeting: exit 5; a past one: exit 1) is
/// spelled out by `MeetingRefusal`.
public struct MeetingStore: Sendable {
    public init() {}

    /// What `plan` needs: NULL-able fields keep the current value when re-planning.
    public struct Plan: Sendable {
        public var ref: String
        public var forum: String?
        public var mappaLevel: Int?
        public var area: String?
        public var heldOn: Day?
        public var lengthMinutes: Int?
        public var chair: String?
        public var invite: [String]
        public var researchDueDays: Int

        public init(ref: String, forum: String?, mappaLevel: Int?, area: String?, heldOn: Day?, lengthMinutes: Int?,
                    chair: String?, invite: [String], researchDueDays: Int) {
            self.ref = ref
            self.forum = forum
            self.mappaLevel = mappaLevel
            self.area = area
            self.heldOn = heldOn
            self.lengthMinutes = lengthMinutes
            self.chair = chair
            self.invite = invite
            self.researchDueDays = researchDueDays
        }
    }

    /// Plans a meeting, or re-plans one that is still to come. Returns the meeting.
    public func plan(_ plan: Plan, on db: PostgresConnection) throws -> MeetingHeader {
        try db.transaction {
            _ = try MeetingRefusal.explaining {
                try db.query("""
                    SELECT disrupt.meeting_plan(\(plan.ref), \(plan.forum), \(plan.mappaLevel)::int, \(plan.area), \(plan.heldOn)::date,
                                                \(plan.lengthMinutes)::int, \(plan.chair), \(plan.invite)::text[], \(plan.researchDueDays)::int)
                    """)
            }
            return try MeetingReader().header(plan.ref, on: db)
        }
    }

    /// Records an invited agency's attendance. Returns the meeting.
    public func attend(meeting: String, agency: String, attendance: String, representative: String?, on db: PostgresConnection) throws -> MeetingHeader {
        try db.transaction {
            _ = try MeetingRefusal.explaining {
                try db.query("SELECT disrupt.meeting_attend(\(meeting), \(agency), \(attendance), \(representative))")
            }
            return try MeetingReader().header(meeting, on: db)
        }
    }

    /// Closes a meeting: unreturned research becomes not submitted, unheard cases are deferred.
    public func close(meeting: String, on db: PostgresConnection) throws -> MeetingHeader {
        try db.transaction {
            _ = try MeetingRefusal.explaining { try db.query("SELECT disrupt.meeting_close(\(meeting))") }
            return try MeetingReader().header(meeting, on: db)
        }
    }

    /// How a case is named when it is listed.
    public enum CaseSubject: Sendable {
        /// Marac: the referrals (source references) of one victim.
        case referrals([String])
        /// MATAC / MAPPA: the perpetrator (reference).
        case person(String)
        /// An open case again.
        case existing(String)
    }

    /// Lists a case at a meeting; returns its hearing.
    public func addCase(meeting: String, _ subject: CaseSubject, idva: String?, restricted: Bool, on db: PostgresConnection) throws -> ListedCase {
        var referrals: [String]?, person: String?, existing: String?
        switch subject {
        case .referrals(let refs): referrals = refs
        case .person(let ref): person = ref
        case .existing(let ref): existing = ref
        }
        return try db.transaction {
            let hearing: Int64 = try MeetingRefusal.explaining {
                try db.query("""
                    SELECT disrupt.meeting_case_add(\(meeting), \(referrals)::text[], \(person), \(existing), \(idva), \(restricted)) AS id
                    """)[0].decode("id")
            }
            return try MeetingReader.decode(ListedCase.self, db.query("""
                SELECT jsonb_build_object('meeting', m.meeting_ref, 'case_ref', c.case_ref, 'hearing_number', h.hearing_number,
                                          'hearing_id', h.id)::text AS j
                  FROM disrupt.hearing h JOIN disrupt.forum_case c ON c.id = h.case_id JOIN disrupt.meeting m ON m.id = h.meeting_id
                 WHERE h.id = \(hearing)
                """)[0])
        }
    }

    /// Records the caller's agency's research return (an admin may name the agency).
    public func research(meeting: String, caseRef: String, status: String, note: String?, agency: String?, on db: PostgresConnection) throws {
        try db.transaction {
            _ = try MeetingRefusal.explaining {
                try db.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), \(status), \(note), \(agency))")
            }
        }
    }

    /// Marks a case heard; returns its hearing number.
    public func hear(meeting: String, caseRef: String, on db: PostgresConnection) throws -> Int {
        try db.transaction {
            try MeetingRefusal.explaining {
                try db.query("SELECT disrupt.meeting_hear(\(meeting), \(caseRef)) AS n")[0].decode("n")
            }
        }
    }

    /// Records a decision; returns its id.
    public func decide(meeting: String, caseRef: String, text: String, restricted: Bool, on db: PostgresConnection) throws -> Int64 {
        try db.transaction {
            try MeetingRefusal.explaining {
                try db.query("SELECT disrupt.meeting_decide(\(meeting), \(caseRef), \(text), \(restricted)) AS id")[0].decode("id")
            }
        }
    }

    /// Links a plan action to the hearing that agreed it; returns the action's new version.
    public func agree(meeting: String, caseRef: String, actionId: Int64, on db: PostgresConnection) throws -> Int {
        try db.transaction {
            try MeetingRefusal.explaining {
                try db.query("SELECT disrupt.meeting_agree_action(\(meeting), \(caseRef), \(actionId)) AS version")[0].decode("version")
            }
        }
    }
}

/// Spells out the meeting state a refusal carries (DETAIL as JSON): a closed meeting is a
/// conflict (exit 5), any other refusal with a state a failure (exit 1); the database's hint is kept.
enum MeetingRefusal {
    static func explaining<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == "DR409" || error.sqlState == "DR422" {
            guard let detail = error.detail, let lines = StateReport.lines(fromJSON: detail) else { throw error }
            throw StoreError(error.sqlState == "DR409" ? .conflict : .failure,
                             error.message + "\nCurrent state:\n" + lines.map { "  \($0)" }.joined(separator: "\n"),
                             hint: error.hint ?? "Nothing was changed.")
        }
    }
}
