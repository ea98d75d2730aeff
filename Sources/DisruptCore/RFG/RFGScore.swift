/// A person's RFGV score as of a day, with the raw values behind each term.
public struct RFGScore: Sendable, Hashable, Codable {
    public var personRef: String
    public var asOf: Day
    public var version: String
    /// Latest incident on or before as-of (any time), nil if none.
    public var latestIncident: Day?
    public var daysSinceLatest: Int?
    /// Incidents (events, not records) in the window.
    public var incidentCount: Int
    /// Sum of incident gravities in the window (before any cap or banding).
    public var gravityTotal: Int
    /// Distinct victims in the window.
    public var victimCount: Int
    public var recency: Int
    public var frequency: Int
    public var gravity: Int
    public var victims: Int

    /// recency + frequency + gravity + victims.
    public var total: Int { recency + frequency + gravity + victims }

    public init(
        personRef: String, asOf: Day, version: String, latestIncident: Day?, daysSinceLatest: Int?,
        incidentCount: Int, gravityTotal: Int, victimCount: Int, recency: Int, frequency: Int, gravity: Int,
        victims: Int
    ) {
        self.personRef = personRef
        self.asOf = asOf
        self.version = version
        self.latestIncident = latestIncident
        self.daysSinceLatest = daysSinceLatest
        self.incidentCount = incidentCount
        self.gravityTotal = gravityTotal
        self.victimCount = victimCount
        self.recency = recency
        self.frequency = frequency
        self.gravity = gravity
        self.victims = victims
    }

    enum CodingKeys: String, CodingKey {
        case personRef = "person_ref", asOf = "as_of", version
        case latestIncident = "latest_incident", daysSinceLatest = "days_since_latest"
        case incidentCount = "incident_count", gravityTotal = "gravity_total", victimCount = "victim_count"
        case recency, frequency, gravity, victims
    }

    /// Ranking order: total descending, then gravity points descending, then most recent incident
    /// (none last), then person ref ascending. Deterministic for any input.
    public static func ranksBefore(_ a: RFGScore, _ b: RFGScore) -> Bool {
        if a.total != b.total { return a.total > b.total }
        if a.gravity != b.gravity { return a.gravity > b.gravity }
        switch (a.latestIncident, b.latestIncident) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.personRef < b.personRef
        }
    }
}

extension RFGConfiguration {
    /// Scores one person's incidents as of `asOf`; incidents after as-of are ignored. Incidents
    /// are counted once per event (`Incident.consolidate`): frequency counts events, gravity
    /// takes each event's gravest record, never the sum of its records.
    public func score(_ facts: PersonFacts, asOf: Day) -> RFGScore {
        score(personRef: facts.personRef, incidents: Incident.consolidate(facts.incidents), asOf: asOf)
    }

    /// `score(_:asOf:)` over incidents already consolidated from the person's records.
    func score(personRef: String, incidents: [Incident], asOf: Day) -> RFGScore {
        let start = window.start(asOf: asOf)
        var latest: Day?
        var count = 0
        var gravitySum = 0
        var distinct: [String] = []
        for incident in incidents where incident.occurredOn <= asOf {
            if latest.map({ incident.occurredOn > $0 }) ?? true { latest = incident.occurredOn }
            guard incident.occurredOn > start else { continue }
            count += 1
            gravitySum += incident.gravity
            if let victim = incident.victimRef, !distinct.contains(victim) { distinct.append(victim) }
        }
        let days = latest.map { asOf.days(since: $0) }
        return RFGScore(
            personRef: personRef, asOf: asOf, version: version, latestIncident: latest, daysSinceLatest: days,
            incidentCount: count, gravityTotal: gravitySum, victimCount: distinct.count,
            recency: recencyPoints(days: days), frequency: frequencyPoints(count: count),
            gravity: gravityPoints(total: gravitySum), victims: victimPoints(count: distinct.count))
    }
}
