import Foundation

/// What changed about a perpetrator since a forum last heard his case: the part of the summary a
/// 10 to 15 minute slot needs. Built from the dossier (what the reader may see) and the events
/// the store reads beside it (reminders raised, actions done, stored scores then and now).
public struct SinceLastHeardBrief: Sendable, Hashable, Codable {
    /// The day of the last hearing (or the day given); facts dated on it count as new.
    public var since: Day
    /// `last_hearing` (the day his case was last heard) or `given` (`--since DAY`).
    public var basis: String
    public var asOf: Day
    /// Incidents since, each event once, newest first.
    public var incidents: [SummaryIncident]
    public var breaches: [SummaryBreach]
    public var markers: [SinceMarker]
    /// Alerts and reminders raised about him that the reader may see.
    public var reminders: [SinceReminder]
    public var actionsDone: [SinceActionDone]
    /// Live actions of the open plan past their due date.
    public var actionsOverdue: [SummaryAction]
    /// Actions of the open plan still open (not started), overdue or not.
    public var actionsNotStarted: [SummaryAction]
    /// Stored score and RFG on the day against now; nil when neither is stored.
    public var score: SinceScoreChange?

    /// True when nothing changed (the score change aside).
    public var isQuiet: Bool {
        incidents.isEmpty && breaches.isEmpty && markers.isEmpty && reminders.isEmpty && actionsDone.isEmpty
            && actionsOverdue.isEmpty && actionsNotStarted.isEmpty
    }
}

/// A marker recorded since the hearing.
public struct SinceMarker: Sendable, Hashable, Codable {
    public var kind: String
    public var label: String
    public var recordedOn: Day
    public var agency: String
}

/// An alert or reminder raised since the hearing.
public struct SinceReminder: Sendable, Hashable, Codable {
    public var kind: String
    public var raisedOn: Day
    public var dueOn: Day
    /// References and dates only (the outbox never holds names).
    public var message: String

    public init(kind: String, raisedOn: Day, dueOn: Day, message: String) {
        self.kind = kind
        self.raisedOn = raisedOn
        self.dueOn = dueOn
        self.message = message
    }
}

/// An action of any of his plans marked done since the hearing.
public struct SinceActionDone: Sendable, Hashable, Codable {
    public var id: Int64
    public var tactic: String
    public var tacticLabel: String
    public var agency: String
    public var doneOn: Day
    public var outcome: String?

    public init(id: Int64, tactic: String, tacticLabel: String, agency: String, doneOn: Day, outcome: String?) {
        self.id = id
        self.tactic = tactic
        self.tacticLabel = tacticLabel
        self.agency = agency
        self.doneOn = doneOn
        self.outcome = outcome
    }
}

/// A stored score (risk_assessment history, or risk_current for now).
public struct StoredScore: Sendable, Hashable, Codable {
    public var asOf: Day
    public var score: Int
    public var band: String
    public var rfg: Int

    public init(asOf: Day, score: Int, band: String, rfg: Int) {
        self.asOf = asOf
        self.score = score
        self.band = band
        self.rfg = rfg
    }
}

/// The stored score as of the hearing day against the stored score now.
public struct SinceScoreChange: Sendable, Hashable, Codable {
    public var then: StoredScore?
    public var now: StoredScore?

    /// Now minus then, when both are stored.
    public var scoreChange: Int? { then.flatMap { t in now.map { $0.score - t.score } } }
    public var rfgChange: Int? { then.flatMap { t in now.map { $0.rfg - t.rfg } } }

    enum CodingKeys: String, CodingKey { case then, now, scoreChange, rfgChange }

    public init(then: StoredScore?, now: StoredScore?) {
        self.then = then
        self.now = now
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        then = try c.decodeIfPresent(StoredScore.self, forKey: .then)
        now = try c.decodeIfPresent(StoredScore.self, forKey: .now)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(then, forKey: .then)
        try c.encode(now, forKey: .now)
        try c.encode(scoreChange, forKey: .scoreChange)
        try c.encode(rfgChange, forKey: .rfgChange)
    }
}

/// The events beside the dossier that the brief needs, read by the store as the reader.
public struct SinceLastHeardEvents: Sendable, Hashable {
    public var reminders: [SinceReminder]
    /// Done actions with their tactic code (labelled by the builder).
    public var actionsDone: [SinceActionDone]
    public var then: StoredScore?
    public var now: StoredScore?

    public init(reminders: [SinceReminder] = [], actionsDone: [SinceActionDone] = [], then: StoredScore? = nil, now: StoredScore? = nil) {
        self.reminders = reminders
        self.actionsDone = actionsDone
        self.then = then
        self.now = now
    }
}

/// Builds the brief. The day rule: a fact dated ON the day of the last hearing counts as new
/// (`counts`). A record carries a day, not a time, so it cannot say whether it came before or
/// after the meeting sat; showing it once more costs a line, missing it could cost a life.
/// The day before does not count; nothing after `asOf` counts.
public struct SinceLastHeard: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// True when a fact dated `day` is new since a hearing on `since`, as of `asOf`.
    public static func counts(_ day: Day, since: Day, asOf: Day) -> Bool {
        since <= day && day <= asOf
    }

    public func brief(_ dossier: PersonDossier, since: Day, basis: String, asOf: Day, events: SinceLastHeardEvents) -> SinceLastHeardBrief {
        let builder = SummaryBuilder(model: model)
        let facts = dossier.facts(offences: model.offences)
        let isNew = { (day: Day) in Self.counts(day, since: since, asOf: asOf) }
        let records = Dictionary(dossier.incidents.map { ($0.sourceRef, $0) }, uniquingKeysWith: { first, _ in first })
        let incidents = Incident.consolidate(facts.incidents)
            .filter { isNew($0.occurredOn) }
            .compactMap { incident in records[incident.ref].map { (incident, $0) } }
            .sorted { ($0.0.occurredOn, $0.1.sourceRef) > ($1.0.occurredOn, $1.1.sourceRef) }
            .map { incident, record in
                let code = incident.offence ?? OffenceCatalogue.defaultCode
                return SummaryIncident(
                    id: record.id, occurredOn: incident.occurredOn, offence: code,
                    offenceLabel: model.offences[code]?.label ?? code, gravity: incident.gravity,
                    victim: dossier.party(record.partyId)?.fullName, agencies: incident.agencies.map(\.rawValue))
            }
        let breaches = builder.orders(dossier, asOf: asOf).breaches.filter { isNew($0.occurredOn) }
        let markers = dossier.markers.filter { isNew($0.recordedOn) }
            .sorted { ($0.recordedOn, $0.sourceRef) > ($1.recordedOn, $1.sourceRef) }
            .map { SinceMarker(kind: $0.kind, label: model.markers[$0.kind]?.label ?? $0.kind, recordedOn: $0.recordedOn, agency: $0.agency) }
        let actions = builder.plan(dossier, asOf: asOf)?.headings.flatMap(\.actions) ?? []
        let done = events.actionsDone.filter { isNew($0.doneOn) }.map { action in
            var action = action
            action.tacticLabel = model.tactics[action.tactic]?.label ?? action.tactic
            return action
        }
        return SinceLastHeardBrief(
            since: since, basis: basis, asOf: asOf, incidents: incidents, breaches: breaches, markers: markers,
            reminders: events.reminders.filter { isNew($0.raisedOn) }, actionsDone: done,
            actionsOverdue: actions.filter(\.overdue), actionsNotStarted: actions.filter { $0.status == ActionStatus.open.rawValue },
            score: events.then == nil && events.now == nil ? nil : SinceScoreChange(then: events.then, now: events.now))
    }
}
