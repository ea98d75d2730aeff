/// Evaluates the trigger rules for people as of one day.
///
/// Semantics (shared by every rule):
/// - Incidents are counted as `Incident`s: records of the same person against the same victim
///   on the same day are one incident (`Incident.consolidate`), in every rule and count.
/// - Events after as-of are ignored everywhere; a marker recorded after as-of does not exist yet.
/// - A marker counts only while active: `recordedOn <= asOf` and (`expiresOn == nil` or
///   `asOf <= expiresOn`). An expired marker never fires, not even for "ever" triggers.
/// - "In the last N months" = `date > asOf.adding(months: -N)` and `date <= asOf` (see `Window`).
///   For a marker the date is `recordedOn`; for an incident or breach `occurredOn`.
/// - An order counts for a window if it was in force at some point in it:
///   `startsOn <= asOf` and (`endsOn == nil` or `endsOn > windowStart`); with no window, any order
///   started on or before as-of.
/// - An incident's offence is `da_incident` when none is recorded; offence tags come from the
///   catalogue, and an incident matches a tag when any of its records does.
public struct TriggerEvaluator: Sendable {
    public let asOf: Day
    let compiled: CompiledTriggers
    /// Exclusive lower bound of each rule's window (nil = ever), by rule index.
    let windowStart: [Day?]
    let recentStart: [Day?]
    /// For `rising` rules: start of the recent half and of the half before it.
    let halfStart: [Day]
    let previousStart: [Day]

    init(compiled: CompiledTriggers, asOf: Day) {
        self.asOf = asOf
        self.compiled = compiled
        let rules = compiled.configuration.rules
        windowStart = rules.map { $0.window?.start(asOf: asOf) }
        recentStart = rules.map { $0.recentWindow?.start(asOf: asOf) }
        halfStart = rules.map { asOf.adding(months: -$0.compareMonths) }
        previousStart = rules.map { asOf.adding(months: -2 * $0.compareMonths) }
    }

    /// Evaluates every enabled trigger, the score, band and flags for one person.
    public func assess(_ facts: PersonFacts) -> RiskAssessment {
        let config = compiled.configuration
        let incidents = Incident.consolidate(facts.incidents)
        var fired: [FiredTrigger] = []
        var serial = false
        var escalating = false
        withMasks(facts, incidents) { markerMasks, incidentMasks, orderMasks in
            let context = Context(
                facts: facts, incidents: incidents, markerMasks: markerMasks, incidentMasks: incidentMasks,
                orderMasks: orderMasks)
            for (index, rule) in config.rules.enumerated() {
                let isFlag = index == compiled.serialIndex || index == compiled.escalationIndex
                guard rule.enabled || isFlag, rule.kind != .contact else { continue }
                let result = evaluate(rule, index: index, context)
                if index == compiled.serialIndex { serial = result != nil }
                if index == compiled.escalationIndex { escalating = result != nil }
                if rule.enabled, let result { fired.append(result) }
            }
        }
        if !fired.isEmpty {
            for rule in config.rules where rule.enabled && rule.kind == .contact {
                if let result = contact(rule, facts: facts, others: fired.count) {
                    let position = config.rules.firstIndex { $0.code == rule.code } ?? 0
                    let insertAt = fired.firstIndex { other in
                        (config.rules.firstIndex { $0.code == other.code } ?? 0) > position
                    } ?? fired.endIndex
                    fired.insert(result, at: insertAt)
                }
            }
        }
        var score = 0
        for trigger in fired { score += trigger.weight }
        let repeatEvent = config.repeatRule.latest(facts, incidents: incidents, asOf: asOf)
        return RiskAssessment(
            personRef: facts.personRef, asOf: asOf, modelVersion: config.version, score: score,
            band: config.bands.band(for: score), triggers: fired,
            flags: RiskFlags(serial: serial, escalating: escalating, repeatEvent: repeatEvent))
    }

    /// Per-fact rule masks, zero for facts that cannot count at as-of (inactive markers, future events).
    struct Context {
        let facts: PersonFacts
        let incidents: [Incident]
        let markerMasks: UnsafeMutableBufferPointer<UInt64>
        let incidentMasks: UnsafeMutableBufferPointer<UInt64>
        let orderMasks: UnsafeMutableBufferPointer<UInt64>
    }

    private func withMasks(
        _ facts: PersonFacts, _ incidentList: [Incident],
        _ body: (UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: facts.markers.count) { markers in
            for (i, marker) in facts.markers.enumerated() {
                markers[i] = marker.isActive(on: asOf) ? compiled.markerMask[marker.kind] ?? 0 : 0
            }
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: incidentList.count) { incidents in
                for (i, incident) in incidentList.enumerated() {
                    var mask: UInt64 = 0
                    if incident.occurredOn <= asOf {
                        for code in incident.offences { mask |= compiled.offenceMask[code] ?? 0 }
                    }
                    incidents[i] = mask
                }
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: facts.orders.count) { orders in
                    for (i, order) in facts.orders.enumerated() {
                        orders[i] = order.startsOn <= asOf ? compiled.orderMask[order.type] ?? 0 : 0
                    }
                    body(markers, incidents, orders)
                }
            }
        }
    }

    private func evaluate(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        switch rule.kind {
        case .match: match(rule, index: index, c)
        case .rising: rising(rule, index: index, c)
        case .breaches: breaches(rule, index: index, c)
        case .victims: victims(rule, index: index, c)
        case .frequency: frequency(rule, index: index, c)
        case .contact: nil
        }
    }

    // MARK: rules

    private func activeMarkers(bit: UInt64, after start: Day?, _ c: Context, into evidence: inout [Evidence]) {
        for (i, marker) in c.facts.markers.enumerated() where c.markerMasks[i] & bit != 0 {
            if let start, marker.recordedOn <= start { continue }
            evidence.append(Evidence(kind: .marker, ref: marker.ref, on: marker.recordedOn))
        }
    }

    private func match(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        let bit = UInt64(1) << UInt64(index)
        let start = windowStart[index]
        var evidence: [Evidence] = []
        activeMarkers(bit: bit, after: start, c, into: &evidence)
        for (i, incident) in c.incidents.enumerated() where c.incidentMasks[i] & bit != 0 {
            if let start, incident.occurredOn <= start { continue }
            evidence.append(Evidence(kind: .incident, ref: incident.ref, on: incident.occurredOn))
        }
        for (i, order) in c.facts.orders.enumerated() where c.orderMasks[i] & bit != 0 {
            if let start, let ends = order.endsOn, ends <= start { continue }
            evidence.append(Evidence(kind: .order, ref: order.ref, on: order.startsOn))
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let latest = evidence[0]
        var weight = rule.weight
        var reason = evidence.count == 1
            ? describe(latest, c.facts) + (rule.window.map { " (within \($0))" } ?? "")
            : "\(evidence.count) records" + (rule.window.map { " in \($0)" } ?? "") + ", most recent: "
                + describe(latest, c.facts)
        if let recent = recentStart[index], let recentWeight = rule.recentWeight, latest.on > recent {
            weight = recentWeight
            reason += "; recent (within \(rule.recentWindow!))"
        }
        return FiredTrigger(code: rule.code, label: rule.label, weight: weight, reason: reason, evidence: evidence)
    }

    /// Escalation in coercive control: an active matching marker, or more matching incidents
    /// (offences tagged as the rule says) in the recent half than in the half before.
    private func rising(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        let bit = UInt64(1) << UInt64(index)
        var evidence: [Evidence] = []
        activeMarkers(bit: bit, after: nil, c, into: &evidence)
        let markerCount = evidence.count
        let half = halfStart[index], previous = previousStart[index]
        var recentCount = 0, previousCount = 0
        for (i, incident) in c.incidents.enumerated()
        where c.incidentMasks[i] & bit != 0 && incident.occurredOn > previous {
            if incident.occurredOn > half { recentCount += 1 } else { previousCount += 1 }
        }
        let isRising = recentCount >= rule.minRecentIncidents && recentCount > previousCount
        if isRising {
            for (i, incident) in c.incidents.enumerated() where c.incidentMasks[i] & bit != 0 && incident.occurredOn > half {
                evidence.append(Evidence(kind: .incident, ref: incident.ref, on: incident.occurredOn))
            }
        }
        guard markerCount > 0 || isRising else { return nil }
        Self.sortEvidence(&evidence)
        var parts: [String] = []
        if markerCount > 0, let marker = evidence.first(where: { $0.kind == .marker }) {
            parts.append(describe(marker, c.facts))
        }
        if isRising {
            let months = rule.compareMonths
            let what = rule.offenceTags.map(Self.human).joined(separator: " or ")
            parts.append("\(Self.count(recentCount, "\(what) incident")) in the last \(months) months against \(previousCount) in the \(months) months before")
        }
        return FiredTrigger(
            code: rule.code, label: rule.label, weight: rule.weight, reason: parts.joined(separator: "; "),
            evidence: evidence)
    }

    /// Breaches, and offending while on bail, RUI or licence (the guidance's "offending whilst
    /// released under investigation"), in the window; the reason names every breach without
    /// positive action.
    private func breaches(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        guard let start = windowStart[index] else { return nil }
        let config = compiled.configuration
        var evidence: [Evidence] = []
        var inWindow: [BreachFact] = []
        for breach in c.facts.breaches where breach.occurredOn > start && breach.occurredOn <= asOf {
            evidence.append(Evidence(kind: .breach, ref: breach.ref, on: breach.occurredOn))
            inWindow.append(breach)
        }
        var released = 0
        if !rule.orderTypes.isEmpty {
            let orders = c.facts.orders.filter { rule.orderTypes.contains($0.type) }
            for incident in c.incidents where incident.occurredOn > start && incident.occurredOn <= asOf {
                guard orders.contains(where: { $0.isInForce(on: incident.occurredOn) }) else { continue }
                let alreadyBreach = inWindow.contains { breach in
                    breach.occurredOn == incident.occurredOn
                        && (breach.orderType.map { rule.orderTypes.contains($0) } ?? true)
                }
                if alreadyBreach { continue }
                released += 1
                evidence.append(Evidence(kind: .incident, ref: incident.ref, on: incident.occurredOn))
            }
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        var counts: [String] = []
        if !inWindow.isEmpty { counts.append(Self.count(inWindow.count, "breach", plural: "breaches")) }
        if released > 0 {
            counts.append(Self.count(released, "incident") + " while on " + Self.orderList(rule.orderTypes))
        }
        var reason = counts.joined(separator: " and ") + " in \(rule.window!), most recent \(evidence[0].on)"
        if !inWindow.isEmpty {
            let unanswered = inWindow
                .filter { !config.isPositive($0.actionTaken) }
                .sorted { ($0.occurredOn, $1.ref) > ($1.occurredOn, $0.ref) }
            if unanswered.isEmpty {
                reason += "; positive action on every breach"
            } else {
                let list = unanswered.map { breach in
                    "\(breach.occurredOn) (\(breach.actionTaken == .none ? "none recorded" : breach.actionTaken.rawValue))"
                }
                reason += "; no positive action on the " + (unanswered.count == 1 ? "breach of " : "breaches of ")
                    + list.joined(separator: ", ")
            }
        }
        return FiredTrigger(
            code: rule.code, label: rule.label, weight: rule.breachWeight(count: inWindow.count + released),
            reason: reason, evidence: evidence)
    }

    /// Serial: incidents against `minVictims` different victims aged 16 or over on the day, in the window.
    private func victims(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        guard let start = windowStart[index] else { return nil }
        let bit = UInt64(1) << UInt64(index)
        var evidence: [Evidence] = []
        activeMarkers(bit: bit, after: nil, c, into: &evidence)
        let markerCount = evidence.count
        var parties: [String: PartyFact] = [:]
        for party in c.facts.parties { parties[party.ref] = party }
        var distinct: [String] = []
        var counted: [Incident] = []
        for incident in c.incidents where incident.occurredOn > start && incident.occurredOn <= asOf {
            guard let victim = incident.victimRef else { continue }
            if let party = parties[victim], !party.isAdultVictim(on: incident.occurredOn) { continue }
            counted.append(incident)
            if !distinct.contains(victim) { distinct.append(victim) }
        }
        let isSerial = distinct.count >= rule.minVictims
        guard isSerial || markerCount > 0 else { return nil }
        if isSerial {
            for incident in counted {
                evidence.append(Evidence(kind: .incident, ref: incident.ref, on: incident.occurredOn))
            }
        }
        Self.sortEvidence(&evidence)
        var parts: [String] = []
        if isSerial {
            let latest = evidence.first { $0.kind == .incident }!
            parts.append("incidents against \(distinct.count) different victims aged \(PartyFact.adultVictimAge) or over in \(rule.window!), most recent \(latest.on)")
        }
        if markerCount > 0, let marker = evidence.first(where: { $0.kind == .marker }) {
            parts.append(describe(marker, c.facts))
        }
        return FiredTrigger(
            code: rule.code, label: rule.label, weight: rule.weight, reason: parts.joined(separator: "; "),
            evidence: evidence)
    }

    private func frequency(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        guard let start = windowStart[index] else { return nil }
        var evidence: [Evidence] = []
        for incident in c.incidents where incident.occurredOn > start && incident.occurredOn <= asOf {
            evidence.append(Evidence(kind: .incident, ref: incident.ref, on: incident.occurredOn))
        }
        guard evidence.count >= rule.minIncidents, !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let reason = "\(Self.count(evidence.count, "incident")) in \(rule.window!), most recent \(evidence[0].on)"
        return FiredTrigger(code: rule.code, label: rule.label, weight: rule.weight, reason: reason, evidence: evidence)
    }

    private func contact(_ rule: TriggerRule, facts: PersonFacts, others: Int) -> FiredTrigger? {
        var evidence: [Evidence] = []
        for r in facts.relationships
        where r.hasContact && rule.relationships.contains(r.relationship) && r.isCurrent(on: asOf) {
            evidence.append(Evidence(kind: .relationship, ref: r.ref, on: r.from ?? asOf))
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let reason = "contact with \(Self.count(evidence.count, "child", plural: "children")) while \(Self.count(others, "other trigger")) \(others == 1 ? "fires" : "fire")"
        return FiredTrigger(code: rule.code, label: rule.label, weight: rule.weight, reason: reason, evidence: evidence)
    }

    // MARK: text

    /// Most recent first; then markers, incidents, breaches, orders, relationships; then ref.
    static func sortEvidence(_ evidence: inout [Evidence]) {
        guard evidence.count > 1 else { return }
        evidence.sort { a, b in
            if a.on != b.on { return a.on > b.on }
            if a.kind != b.kind { return kindRank(a.kind) < kindRank(b.kind) }
            return a.ref < b.ref
        }
    }

    private static func kindRank(_ kind: EvidenceKind) -> Int {
        switch kind {
        case .marker: 0
        case .incident: 1
        case .breach: 2
        case .order: 3
        case .relationship: 4
        case .referral: 5
        }
    }

    static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    static func human(_ code: String) -> String {
        String(code.map { $0 == "_" ? " " : $0 })
    }

    /// "bail, RUI or licence".
    static func orderList(_ types: [String]) -> String {
        let names = types.map { $0 == "rui" ? "RUI" : human($0) }
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    private func describe(_ evidence: Evidence, _ facts: PersonFacts) -> String {
        switch evidence.kind {
        case .marker:
            let kind = facts.markers.first { $0.ref == evidence.ref }?.kind ?? "warning"
            return "active \(Self.human(kind)) marker recorded \(evidence.on)"
        case .incident:
            let offence = facts.incidents.first { $0.ref == evidence.ref }?.offence
            if let offence, offence != OffenceCatalogue.defaultCode {
                return "incident (\(Self.human(offence))) on \(evidence.on)"
            }
            return "domestic-abuse incident on \(evidence.on)"
        case .order:
            let type = facts.orders.first { $0.ref == evidence.ref }?.type ?? "an"
            return "\(Self.human(type)) order from \(evidence.on)"
        case .breach:
            return "breach on \(evidence.on)"
        case .relationship:
            return "relationship from \(evidence.on)"
        case .referral:
            return "Marac referral on \(evidence.on)"
        }
    }
}
