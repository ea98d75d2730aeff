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
        assess(facts, incidents: Incident.consolidate(facts.incidents))
    }

    /// `assess(_:)` over incidents already consolidated from the person's records. Without
    /// `explained`, every fired trigger's `reason` is empty (nothing else differs): for callers
    /// that compare results and explain only those they keep (`disrupt recompute`).
    func assess(_ facts: PersonFacts, incidents: [Incident], explained: Bool = true) -> RiskAssessment {
        let config = compiled.configuration
        var fired: [FiredTrigger] = []
        var serial = false
        var escalating = false
        withContext(facts, incidents, explained: explained) { context in
            // read in place through a buffer: a rule (or a fact) is never copied, since a copy
            // retains each of its strings and arrays
            config.rules.withUnsafeBufferPointer { rules in
                for index in rules.indices {
                    let isFlag = index == compiled.serialIndex || index == compiled.escalationIndex
                    guard rules[index].enabled || isFlag, rules[index].kind != .contact else { continue }
                    let result = evaluate(rules[index], index: index, context)
                    if index == compiled.serialIndex { serial = result != nil }
                    if index == compiled.escalationIndex { escalating = result != nil }
                    if rules[index].enabled, let result { fired.append(result) }
                }
            }
        }
        if !fired.isEmpty {
            for rule in config.rules where rule.enabled && rule.kind == .contact {
                if let result = contact(rule, facts: facts, others: fired.count, explained: explained) {
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

    /// One person's facts as buffers read in place, and per-fact rule masks (zero for facts that
    /// cannot count at as-of: inactive markers, future events).
    struct Context {
        let facts: PersonFacts
        let markers: UnsafeBufferPointer<MarkerFact>
        let incidents: UnsafeBufferPointer<Incident>
        let orders: UnsafeBufferPointer<OrderFact>
        let breaches: UnsafeBufferPointer<BreachFact>
        let parties: UnsafeBufferPointer<PartyFact>
        let markerMasks: UnsafeMutableBufferPointer<UInt64>
        let incidentMasks: UnsafeMutableBufferPointer<UInt64>
        let orderMasks: UnsafeMutableBufferPointer<UInt64>
        /// Whether reasons are written.
        let explained: Bool
    }

    private func withContext(_ facts: PersonFacts, _ incidentList: [Incident], explained: Bool, _ body: (Context) -> Void) {
        facts.markers.withUnsafeBufferPointer { markers in
        incidentList.withUnsafeBufferPointer { incidents in
        facts.orders.withUnsafeBufferPointer { orders in
        facts.breaches.withUnsafeBufferPointer { breaches in
        facts.parties.withUnsafeBufferPointer { parties in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: markers.count) { markerMasks in
                for i in markers.indices {
                    markerMasks[i] = markers[i].isActive(on: asOf) ? compiled.markerMask[markers[i].kind] ?? 0 : 0
                }
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: incidents.count) { incidentMasks in
                    for i in incidents.indices {
                        var mask: UInt64 = 0
                        if incidents[i].occurredOn <= asOf {
                            for code in incidents[i].offences { mask |= compiled.offenceMask[code] ?? 0 }
                        }
                        incidentMasks[i] = mask
                    }
                    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: orders.count) { orderMasks in
                        for i in orders.indices {
                            orderMasks[i] = orders[i].startsOn <= asOf ? compiled.orderMask[orders[i].type] ?? 0 : 0
                        }
                        body(Context(
                            facts: facts, markers: markers, incidents: incidents, orders: orders, breaches: breaches,
                            parties: parties, markerMasks: markerMasks, incidentMasks: incidentMasks,
                            orderMasks: orderMasks, explained: explained))
                    }
                }
            }
        }
        }
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
        for i in c.markers.indices where c.markerMasks[i] & bit != 0 {
            if let start, c.markers[i].recordedOn <= start { continue }
            evidence.append(Evidence(kind: .marker, ref: c.markers[i].ref, on: c.markers[i].recordedOn))
        }
    }

    private func match(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        let bit = UInt64(1) << UInt64(index)
        let start = windowStart[index]
        var evidence: [Evidence] = []
        activeMarkers(bit: bit, after: start, c, into: &evidence)
        for i in c.incidents.indices where c.incidentMasks[i] & bit != 0 {
            if let start, c.incidents[i].occurredOn <= start { continue }
            evidence.append(Evidence(kind: .incident, ref: c.incidents[i].ref, on: c.incidents[i].occurredOn))
        }
        for i in c.orders.indices where c.orderMasks[i] & bit != 0 {
            if let start, let ends = c.orders[i].endsOn, ends <= start { continue }
            evidence.append(Evidence(kind: .order, ref: c.orders[i].ref, on: c.orders[i].startsOn))
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let latest = evidence[0]
        var weight = rule.weight
        var reason = !c.explained ? "" : evidence.count == 1
            ? describe(latest, c.facts) + (rule.window.map { " (within \($0))" } ?? "")
            : "\(evidence.count) records" + (rule.window.map { " in \($0)" } ?? "") + ", most recent: "
                + describe(latest, c.facts)
        if let recent = recentStart[index], let recentWeight = rule.recentWeight, latest.on > recent {
            weight = recentWeight
            if c.explained { reason += "; recent (within \(rule.recentWindow!))" }
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
        for i in c.incidents.indices where c.incidentMasks[i] & bit != 0 && c.incidents[i].occurredOn > previous {
            if c.incidents[i].occurredOn > half { recentCount += 1 } else { previousCount += 1 }
        }
        let isRising = recentCount >= rule.minRecentIncidents && recentCount > previousCount
        if isRising {
            for i in c.incidents.indices where c.incidentMasks[i] & bit != 0 && c.incidents[i].occurredOn > half {
                evidence.append(Evidence(kind: .incident, ref: c.incidents[i].ref, on: c.incidents[i].occurredOn))
            }
        }
        guard markerCount > 0 || isRising else { return nil }
        Self.sortEvidence(&evidence)
        var parts: [String] = []
        if c.explained, markerCount > 0, let marker = evidence.first(where: { $0.kind == .marker }) {
            parts.append(describe(marker, c.facts))
        }
        if isRising, c.explained {
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
        var evidence: [Evidence] = []
        var inWindow: [Int] = []
        for i in c.breaches.indices where c.breaches[i].occurredOn > start && c.breaches[i].occurredOn <= asOf {
            evidence.append(Evidence(kind: .breach, ref: c.breaches[i].ref, on: c.breaches[i].occurredOn))
            inWindow.append(i)
        }
        var released = 0
        if !rule.orderTypes.isEmpty {
            let orders = c.orders.indices.filter { rule.orderTypes.contains(c.orders[$0].type) }
            for i in c.incidents.indices where c.incidents[i].occurredOn > start && c.incidents[i].occurredOn <= asOf {
                let day = c.incidents[i].occurredOn
                guard orders.contains(where: { c.orders[$0].isInForce(on: day) }) else { continue }
                let alreadyBreach = inWindow.contains { b in
                    c.breaches[b].occurredOn == day && (c.breaches[b].orderType.map { rule.orderTypes.contains($0) } ?? true)
                }
                if alreadyBreach { continue }
                released += 1
                evidence.append(Evidence(kind: .incident, ref: c.incidents[i].ref, on: day))
            }
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let weight = rule.breachWeight(count: inWindow.count + released)
        guard c.explained else {
            return FiredTrigger(code: rule.code, label: rule.label, weight: weight, reason: "", evidence: evidence)
        }
        var counts: [String] = []
        if !inWindow.isEmpty { counts.append(Self.count(inWindow.count, "breach", plural: "breaches")) }
        if released > 0 {
            counts.append(Self.count(released, "incident") + " while on " + Self.orderList(rule.orderTypes))
        }
        var reason = counts.joined(separator: " and ") + " in \(rule.window!), most recent \(evidence[0].on)"
        if !inWindow.isEmpty {
            let config = compiled.configuration
            let unanswered = inWindow.map { c.breaches[$0] }
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
        return FiredTrigger(code: rule.code, label: rule.label, weight: weight, reason: reason, evidence: evidence)
    }

    /// Serial: incidents against `minVictims` different victims aged 16 or over on the day, in the window.
    private func victims(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        guard let start = windowStart[index] else { return nil }
        let bit = UInt64(1) << UInt64(index)
        var evidence: [Evidence] = []
        activeMarkers(bit: bit, after: nil, c, into: &evidence)
        let markerCount = evidence.count
        var distinct: [String] = []
        var counted: [Int] = []
        for i in c.incidents.indices where c.incidents[i].occurredOn > start && c.incidents[i].occurredOn <= asOf {
            guard let victim = c.incidents[i].victimRef else { continue }
            // the party recorded last under that reference, as the records name it
            if let party = c.parties.indices.last(where: { c.parties[$0].ref == victim }),
               !c.parties[party].isAdultVictim(on: c.incidents[i].occurredOn) {
                continue
            }
            counted.append(i)
            if !distinct.contains(victim) { distinct.append(victim) }
        }
        let isSerial = distinct.count >= rule.minVictims
        guard isSerial || markerCount > 0 else { return nil }
        if isSerial {
            for i in counted {
                evidence.append(Evidence(kind: .incident, ref: c.incidents[i].ref, on: c.incidents[i].occurredOn))
            }
        }
        Self.sortEvidence(&evidence)
        var parts: [String] = []
        if isSerial, c.explained {
            let latest = evidence.first { $0.kind == .incident }!
            parts.append("incidents against \(distinct.count) different victims aged \(PartyFact.adultVictimAge) or over in \(rule.window!), most recent \(latest.on)")
        }
        if markerCount > 0, c.explained, let marker = evidence.first(where: { $0.kind == .marker }) {
            parts.append(describe(marker, c.facts))
        }
        return FiredTrigger(
            code: rule.code, label: rule.label, weight: rule.weight, reason: parts.joined(separator: "; "),
            evidence: evidence)
    }

    private func frequency(_ rule: TriggerRule, index: Int, _ c: Context) -> FiredTrigger? {
        guard let start = windowStart[index] else { return nil }
        var evidence: [Evidence] = []
        for i in c.incidents.indices where c.incidents[i].occurredOn > start && c.incidents[i].occurredOn <= asOf {
            evidence.append(Evidence(kind: .incident, ref: c.incidents[i].ref, on: c.incidents[i].occurredOn))
        }
        guard evidence.count >= rule.minIncidents, !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let reason = !c.explained ? ""
            : "\(Self.count(evidence.count, "incident")) in \(rule.window!), most recent \(evidence[0].on)"
        return FiredTrigger(code: rule.code, label: rule.label, weight: rule.weight, reason: reason, evidence: evidence)
    }

    private func contact(_ rule: TriggerRule, facts: PersonFacts, others: Int, explained: Bool) -> FiredTrigger? {
        var evidence: [Evidence] = []
        for r in facts.relationships
        where r.hasContact && rule.relationships.contains(r.relationship) && r.isCurrent(on: asOf) {
            evidence.append(Evidence(kind: .relationship, ref: r.ref, on: r.from ?? asOf))
        }
        guard !evidence.isEmpty else { return nil }
        Self.sortEvidence(&evidence)
        let reason = !explained ? ""
            : "contact with \(Self.count(evidence.count, "child", plural: "children")) while \(Self.count(others, "other trigger")) \(others == 1 ? "fires" : "fire")"
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
