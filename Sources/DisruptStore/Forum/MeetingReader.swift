import DisruptCore
import Foundation
import Postgres

/// Reading the meeting cycle: a meeting, the list of meetings, the agenda, the minutes and the
/// referrals still waiting. Each call is one transaction (the agenda and the minutes are one
/// call of a SECURITY DEFINER function of `SQL/definitions/forum.sql` that applies the agency
/// rules; the minutes function also writes their consultation or disclosure to the audit log).
public struct MeetingReader: Sendable {
    public init() {}

    /// One meeting with its invited agencies.
    public func header(_ ref: String, on db: PostgresConnection) throws -> MeetingHeader {
        guard let row = try db.query("""
            SELECT disrupt.forum_meeting_header(m)::text AS j FROM disrupt.meeting m WHERE m.meeting_ref = \(ref)
            """).first else {
            throw StoreError(.notFound, "no meeting \(ref)", hint: "List meetings with: disrupt meeting list")
        }
        return try Self.decode(MeetingHeader.self, row)
    }

    /// Meetings, soonest first from `from` (nil: all), optionally one forum's or one status's.
    public func list(forum: String?, status: String?, from: Day?, on db: PostgresConnection) throws -> [MeetingListItem] {
        try db.query("""
            SELECT jsonb_build_object('meeting', m.meeting_ref, 'forum', m.forum, 'held_on', m.held_on, 'area', m.area,
                       'chair', m.chair_login, 'status', m.status, 'length_minutes', m.length_minutes,
                       'cases', (SELECT count(*) FROM disrupt.hearing h WHERE h.meeting_id = m.id))::text AS j
              FROM disrupt.meeting m
             WHERE (\(forum)::text IS NULL OR m.forum = \(forum)::text)
               AND (\(status)::text IS NULL OR m.status = \(status)::text)
               AND (\(from)::date IS NULL OR m.held_on >= \(from)::date)
             ORDER BY m.held_on, m.meeting_ref
            """).map { try Self.decode(MeetingListItem.self, $0) }
    }

    /// The agenda: the cases the reader may see, highest risk first, with the clock and the time budget.
    public func agenda(_ ref: String, settings: ForumSettings, on db: PostgresConnection) throws -> MeetingAgenda {
        let json = try db.transaction {
            try db.query("SELECT disrupt.meeting_agenda(\(ref))::text AS j")[0]
        }
        let read = try Self.decode(Sheets.self, json)
        let cases = read.cases.sorted { AgendaOrder.precedes(Self.key($0), Self.key($1)) }
        return MeetingAgenda(
            meeting: read.header, cases: cases,
            budget: MeetingTimeBudget(cases: cases.count, minutesPerCase: settings.minutesPerCase, lengthMinutes: read.header.length_minutes),
            waitingLimitDays: settings.waitingLimitDays,
            overWaitingLimit: cases.filter { sheet in
                sheet.clock.map { AgendaOrder.isOverWaitingLimit(daysWaiting: $0.days_waiting, limitDays: settings.waitingLimitDays) } ?? false
            }.map(\.case_ref))
    }

    /// The agenda with "since last heard" for each case heard before: per perpetrator, what
    /// changed from the case's previous hearing to `asOf` or the meeting's day if sooner (read as the caller, from his dossier:
    /// call it inside the command's one consultation). What a dossier read left out is counted.
    public func agenda(_ ref: String, settings: ForumSettings, sinceLastHeard model: RiskModel, asOf: Day,
                       on db: PostgresConnection) throws -> Isolated<MeetingAgenda> {
        var agenda = try agenda(ref, settings: settings, on: db)
        let until = min(asOf, agenda.meeting.held_on)  // a past meeting: what it had before it
        var leftOut = LeftOut()
        let reader = SinceLastHeardReader(model: model)
        for sheet in agenda.cases {
            guard let last = sheet.last_heard else { continue }
            var briefs: [PerpetratorSinceLastHeard] = []
            for perpetrator in sheet.perpetrators {
                // only a person the reader may see (the sheet already follows the agency rules)
                guard let person = try PersonResolver().candidates(perpetrator.person_ref, on: db)
                    .first(where: { $0.ref == perpetrator.person_ref }) else { continue }
                let dossier = try PersonDossierReader().read(personID: person.id, on: db)
                leftOut.add(dossier.leftOut)
                guard var brief = try reader.brief(personID: person.id, dossier: dossier.value, since: last.heard_on,
                                                   asOf: until, on: db) else { continue }
                brief.basis = "last_hearing"  // the case's previous hearing, not a day the reader gave
                briefs.append(PerpetratorSinceLastHeard(person_ref: perpetrator.person_ref, brief: brief))
            }
            if !briefs.isEmpty { agenda.sinceLastHeard[sheet.case_ref] = briefs }
        }
        return Isolated(agenda, leftOut: leftOut)
    }

    /// The minutes: the reader's own view (`agency` nil) or one agency's copy, which holds only what
    /// that agency may also see. Produced and logged by the database in one step: a consultation,
    /// or with `recipients` a disclosure naming them (the meeting must be closed).
    public func minutes(_ ref: String, agency: String?, purpose: String, recipients: [String], format: String,
                        on db: PostgresConnection) throws -> MeetingMinutes {
        let row = try db.transaction {
            try MeetingRefusal.explaining {
                try db.query("""
                    SELECT disrupt.meeting_minutes(\(ref), \(agency), \(purpose), \(recipients)::text[], \(format))::text AS j
                    """)[0]
            }
        }
        let read = try Self.decode(MinutesRead.self, row)
        let cases = read.cases.sorted { AgendaOrder.precedes(Self.key($0), Self.key($1)) }
        return MeetingMinutes(meeting: read.header, copyFor: read.copy_for, producedBy: read.produced_by,
                              producedAt: read.produced_at, recipients: read.recipients, cases: cases)
    }

    /// Every Marac referral the reader may see that no hearing has answered yet (answered: heard at
    /// the hearing listed for it, or at a hearing held after the day it was made), longest waiting
    /// first: `disrupt.referrals_waiting` (SQL/definitions/reading.sql).
    public func waiting(asOf: Day, limitDays: Int, on db: PostgresConnection) throws -> [WaitingReferral] {
        try db.transaction {
            try db.query("""
                SELECT w AS j FROM disrupt.referrals_waiting(\(asOf)::date, \(limitDays)::int) WITH ORDINALITY AS r(w, n) ORDER BY n
                """).map { try Self.decode(WaitingReferral.self, $0) }
        }
    }

    static func key(_ sheet: CaseSheet) -> AgendaOrder.Key {
        AgendaOrder.Key(riskScore: sheet.risk_score, isRepeat: sheet.repeat, daysWaiting: sheet.clock?.days_waiting, caseRef: sheet.case_ref)
    }

    /// Decodes the `j` column (JSON text) of a row; timestamps as PostgreSQL's `to_jsonb` writes them.
    static func decode<T: Decodable>(_ type: T.Type, _ row: PostgresRow) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a timestamp: \(text)"))
            }
            return date
        }
        return try decoder.decode(T.self, from: Data(try row.decode("j", as: String.self).utf8))
    }

    /// The agenda as the SQL writes it: the meeting's header keys beside `cases`.
    private struct Sheets: Decodable {
        var header: MeetingHeader
        var cases: [CaseSheet]

        enum CodingKeys: String, CodingKey { case cases }

        init(from decoder: Decoder) throws {
            header = try MeetingHeader(from: decoder)
            cases = try decoder.container(keyedBy: CodingKeys.self).decode([CaseSheet].self, forKey: .cases)
        }
    }

    /// The minutes as the SQL writes them.
    private struct MinutesRead: Decodable {
        var header: MeetingHeader
        var copy_for: String?
        var produced_by: String
        var produced_at: Date
        var recipients: [String]
        var cases: [CaseSheet]

        enum CodingKeys: String, CodingKey { case copy_for, produced_by, produced_at, recipients, cases }

        init(from decoder: Decoder) throws {
            header = try MeetingHeader(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            copy_for = try c.decodeIfPresent(String.self, forKey: .copy_for)
            produced_by = try c.decode(String.self, forKey: .produced_by)
            produced_at = try c.decode(Date.self, forKey: .produced_at)
            recipients = try c.decode([String].self, forKey: .recipients)
            cases = try c.decode([CaseSheet].self, forKey: .cases)
        }
    }
}
