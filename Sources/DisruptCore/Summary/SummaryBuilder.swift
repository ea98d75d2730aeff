import Foundation

/// Builds the summary from a dossier: evaluates the trigger rules (now, 3 and 12 months ago, on
/// the same facts), decides what is in force, in the window and missing, and labels every code
/// from the configuration's catalogues. Pure: the same dossier and day give the same summary.
public struct SummaryBuilder: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    public func build(_ dossier: PersonDossier, asOf: Day) -> Summary {
        let facts = dossier.facts(offences: model.offences)
        let assessment = model.evaluator(asOf: asOf).assess(facts)
        let missing = SummaryRules.missing(dossier, asOf: asOf)
        var summary = Summary(
            asOf: asOf, sections: [], risksToProfessionals: risks(dossier, asOf: asOf), identity: identity(dossier),
            flags: flags(dossier, assessment: assessment, asOf: asOf), risk: risk(facts, assessment: assessment, asOf: asOf),
            orders: orders(dossier, asOf: asOf), incidents: incidents(dossier, facts: facts, asOf: asOf),
            relationships: relationships(dossier, facts: facts, asOf: asOf), forumLinks: forumLinks(dossier, asOf: asOf),
            plan: plan(dossier, asOf: asOf), missing: missing,
            warnings: SummaryRules.warnings(plan: dossier.plan, missing: missing), withheld: withheld(dossier))
        summary.sections = SummarySection.allCases.filter { shows($0, summary) }
        return summary
    }

    /// Whether a section has something to say. Identity, risk and the plan always show (an
    /// absent plan is a warning); the others are skipped when empty.
    func shows(_ section: SummarySection, _ summary: Summary) -> Bool {
        switch section {
        case .risks: !summary.risksToProfessionals.isEmpty
        case .newPartners: !summary.relationships.newPartners.isEmpty
        case .identity, .risk, .plan: true
        case .flags: summary.flags.any
        case .orders: !summary.orders.inForce.isEmpty || !summary.orders.breaches.isEmpty
        case .incidents: summary.incidents.total > 0
        case .relationships: !summary.relationships.victims.isEmpty || !summary.relationships.children.isEmpty
        case .forumLinks: !summary.forumLinks.isEmpty
        case .missing: !summary.missing.isEmpty
        }
    }

    func risks(_ dossier: PersonDossier, asOf: Day) -> [SummaryRiskItem] {
        let markers = dossier.markers
            .filter { SummaryRules.professionalRiskMarkers.contains($0.kind) && $0.isActive(on: asOf) }
            .map {
                SummaryRiskItem(
                    source: "marker", code: $0.kind, label: model.markers[$0.kind]?.label ?? $0.kind, on: $0.recordedOn,
                    agency: $0.agency, note: $0.note)
            }
        let weaponOffences = model.offences.codes(taggedWithAnyOf: [SummaryRules.weaponTag])
        let incidents = dossier.incidents
            .filter { $0.occurredOn <= asOf && weaponOffences.contains($0.offence ?? OffenceCatalogue.defaultCode) }
            .map {
                let code = $0.offence ?? OffenceCatalogue.defaultCode
                return SummaryRiskItem(
                    source: "incident", code: code, label: model.offences[code]?.label ?? code, on: $0.occurredOn,
                    agency: $0.agency, note: nil)
            }
        return (markers + incidents).sorted { ($0.on, $0.code) > ($1.on, $1.code) }
    }

    func identity(_ dossier: PersonDossier) -> SummaryIdentity {
        let person = dossier.person
        let references = dossier.forumLinks
            .compactMap { link in link.reference.map { SummaryReference(label: forumLabel(link.forum), value: $0) } }
            .sorted { ($0.label, $0.value) < ($1.label, $1.value) }
        return SummaryIdentity(
            personId: person.id, ref: person.ref, name: person.fullName, givenName: person.givenName,
            familyName: person.familyName, dateOfBirth: person.dateOfBirth, gender: person.gender, pncId: person.pncId,
            aliases: dossier.aliases.map { SummaryAlias(name: $0.name, dateOfBirth: $0.dateOfBirth) }
                .sorted { $0.name < $1.name },
            references: [SummaryReference(label: "Person", value: person.ref)] + references)
    }

    func flags(_ dossier: PersonDossier, assessment: RiskAssessment, asOf: Day) -> SummaryFlags {
        let active = dossier.forumLinks.filter { $0.isActive(on: asOf) }
        let mappa = active.filter { $0.forum == "mappa" }.max { $0.startsOn < $1.startsOn }
        let iom = active.filter { $0.forum == "iom" }.max { $0.startsOn < $1.startsOn }
        return SummaryFlags(
            serial: assessment.flags.serial, escalating: assessment.flags.escalating, repeat: assessment.flags.isRepeat,
            repeatOn: assessment.flags.repeatEvent?.on,
            pdp: dossier.markers.contains { $0.kind == "pdp" && $0.isActive(on: asOf) },
            mappaCategory: mappa?.mappaCategory, mappaLevel: mappa?.mappaLevel, iomCohort: iom?.iomCohort,
            matac: dossier.matacCohort.contains { $0.isMember(on: asOf) })
    }

    func risk(_ facts: PersonFacts, assessment: RiskAssessment, asOf: Day) -> SummaryRisk {
        let points: [(String, Day)] = [("3_months_ago", asOf.adding(months: -3)), ("12_months_ago", asOf.adding(months: -12))]
        let trend = [SummaryTrendPoint(point: "now", asOf: asOf, score: assessment.score, band: assessment.band.rawValue)]
            + points.map { point, day in
                let earlier = model.evaluator(asOf: day).assess(facts)
                return SummaryTrendPoint(point: point, asOf: day, score: earlier.score, band: earlier.band.rawValue)
            }
        return SummaryRisk(
            score: assessment.score, band: assessment.band.rawValue, bandLabel: assessment.band.label,
            modelVersion: assessment.modelVersion, trend: trend,
            triggers: assessment.triggers.map { SummaryTrigger(code: $0.code, label: $0.label, weight: $0.weight, reason: $0.reason) })
    }

    func orders(_ dossier: PersonDossier, asOf: Day) -> SummaryOrders {
        let summarise = { (order: OrderRecord) in
            SummaryOrder(
                id: order.id, type: order.orderType, label: self.orderLabel(order.orderType), startsOn: order.startsOn,
                endsOn: order.endsOn, protectedParty: dossier.party(order.protectedPartyId)?.fullName,
                conditions: order.conditions, agency: order.agency)
        }
        let inForce = dossier.orders.filter { $0.isInForce(on: asOf) }.sorted { ($0.startsOn, $0.sourceRef) > ($1.startsOn, $1.sourceRef) }
        let windowStart = SummaryRules.windowStart(asOf: asOf)
        let inWindow = dossier.orders
            .filter { $0.startsOn <= asOf && ($0.endsOn.map { $0 > windowStart } ?? true) }
            .sorted { ($0.startsOn, $0.sourceRef) < ($1.startsOn, $1.sourceRef) }
        let orderTypes = Dictionary(dossier.orders.map { ($0.id, $0.orderType) }, uniquingKeysWith: { first, _ in first })
        let breaches = dossier.breaches
            .filter { SummaryRules.isInWindow($0.occurredOn, asOf: asOf) }
            .sorted { ($0.occurredOn, $0.sourceRef) > ($1.occurredOn, $1.sourceRef) }
            .map { breach in
                let type = breach.orderType ?? breach.orderId.flatMap { orderTypes[$0] }
                let action = breach.actionTaken ?? "not_recorded"
                return SummaryBreach(
                    id: breach.id, occurredOn: breach.occurredOn,
                    order: type.map(orderLabel) ?? (breach.orderId == nil ? "bail / RUI" : "an order not shared with you"),
                    actionTaken: action,
                    positiveAction: BreachAction(rawValue: action).map(model.triggers.isPositive) ?? false)
            }
        return SummaryOrders(inForce: inForce.map(summarise), inWindow: inWindow.map(summarise), breaches: breaches)
    }

    /// The incidents of the last 24 months, each event once (`Incident.consolidate`), shown
    /// with its gravest record's offence and gravity and every agency that recorded it.
    func incidents(_ dossier: PersonDossier, facts: PersonFacts, asOf: Day) -> SummaryIncidents {
        let records = Dictionary(dossier.incidents.map { ($0.sourceRef, $0) }, uniquingKeysWith: { first, _ in first })
        let inWindow = Incident.consolidate(facts.incidents)
            .filter { SummaryRules.isInWindow($0.occurredOn, asOf: asOf) }
            .compactMap { incident in records[incident.ref].map { (incident, $0) } }
            .sorted { ($0.0.occurredOn, $0.1.sourceRef) > ($1.0.occurredOn, $1.1.sourceRef) }
        var counts: [String: Int] = [:]
        for (incident, _) in inWindow { counts[SummaryRules.monthKey(incident.occurredOn), default: 0] += 1 }
        return SummaryIncidents(
            windowStart: SummaryRules.windowStart(asOf: asOf), total: inWindow.count,
            distinctVictims: Set(inWindow.compactMap(\.1.partyId)).count,
            byMonth: SummaryRules.months(asOf: asOf).map { SummaryMonthCount(month: $0, count: counts[$0] ?? 0) },
            recent: inWindow.prefix(SummaryRules.recentIncidents).map { incident, record in
                let code = incident.offence ?? OffenceCatalogue.defaultCode
                return SummaryIncident(
                    id: record.id, occurredOn: incident.occurredOn, offence: code,
                    offenceLabel: model.offences[code]?.label ?? code, gravity: incident.gravity,
                    victim: dossier.party(record.partyId)?.fullName, agencies: incident.agencies.map(\.rawValue))
            })
    }

    /// Victims (of incidents, or parties recorded as victims he is related to), each with how
    /// many incidents (events, not records) name them up to as-of.
    func relationships(_ dossier: PersonDossier, facts: PersonFacts, asOf: Day) -> SummaryRelationships {
        let records = Dictionary(dossier.incidents.map { ($0.sourceRef, $0) }, uniquingKeysWith: { first, _ in first })
        let past = Incident.consolidate(facts.incidents)
            .filter { $0.occurredOn <= asOf }
            .compactMap { incident in records[incident.ref].flatMap { record in record.partyId.map { (incident.occurredOn, $0) } } }
        let victimIds = Set(past.map(\.1))
            .union(dossier.parties.filter { $0.kind == "victim" }.map(\.id)
                .filter { id in dossier.relationships.contains { $0.partyId == id } })
        let victims = victimIds.map { id in
            let theirs = past.filter { $0.1 == id }
            return SummaryVictim(
                partyId: id, name: dossier.party(id)?.fullName ?? "a victim not shared with you",
                relationship: dossier.relationships.first { $0.partyId == id }?.relationship, incidents: theirs.count,
                lastIncidentOn: theirs.map(\.0).max())
        }
        .sorted { ($0.lastIncidentOn ?? Day(daysSince1970: 0), $0.partyId) > ($1.lastIncidentOn ?? Day(daysSince1970: 0), $1.partyId) }
        let current = dossier.relationships.filter { $0.isCurrent(on: asOf) }
        let link = { (record: RelationshipRecord) -> SummaryPartyLink? in
            guard let party = dossier.party(record.partyId) else { return nil }
            return SummaryPartyLink(
                partyId: party.id, name: party.fullName, dateOfBirth: party.dateOfBirth, relationship: record.relationship,
                since: record.fromOn)
        }
        let children = current.filter { ["child", "step_child"].contains($0.relationship) && $0.hasContact == true }.compactMap(link)
        // a party recorded as a new partner, or a partner relationship that began recently (the
        // new_partner alert's window: AlertRules.isRecent with the configured alerts.recent_days)
        let partners = current.filter { record in
            dossier.party(record.partyId)?.kind == "new_partner"
                || (record.relationship == "partner"
                    && record.fromOn.map { AlertRules.isRecent($0, today: asOf, withinDays: model.settings.alerts.recentDays) } ?? false)
        }.compactMap(link)
        return SummaryRelationships(
            victims: victims, children: children.sorted { $0.name < $1.name }, newPartners: partners.sorted { $0.name < $1.name })
    }

    func forumLinks(_ dossier: PersonDossier, asOf: Day) -> [SummaryForumLink] {
        dossier.forumLinks
            .filter { $0.status != "closed" && $0.startsOn <= asOf && ($0.endsOn.map { asOf <= $0 } ?? true) }
            .sorted { ($0.forum, $0.startsOn) < ($1.forum, $1.startsOn) }
            .map { link in
                var detail: [String] = []
                if let category = link.mappaCategory { detail.append("category \(category)") }
                if let level = link.mappaLevel { detail.append("level \(level)") }
                if let cohort = link.iomCohort { detail.append("\(cohort) cohort") }
                return SummaryForumLink(
                    forum: link.forum, forumLabel: forumLabel(link.forum), status: link.status, reference: link.reference,
                    leadAgency: link.leadAgency, contact: link.contact, nextReviewOn: link.nextReviewOn,
                    reviewOverdue: link.nextReviewOn.map { $0 < asOf } ?? false, licenceEndsOn: link.licenceEndsOn,
                    detail: detail.isEmpty ? nil : detail.joined(separator: ", "))
            }
    }

    func plan(_ dossier: PersonDossier, asOf: Day) -> SummaryPlan? {
        guard let plan = dossier.plan else { return nil }
        let actions = plan.actions.map { action in
            SummaryAction(
                id: action.id, tactic: action.tactic, tacticLabel: model.tactics[action.tactic]?.label ?? action.tactic,
                agency: action.agency, owner: action.ownerName ?? action.ownerLogin ?? action.agency, dueOn: action.dueOn,
                status: action.status,
                overdue: ActionStatus(rawValue: action.status)?.isOverdue(dueOn: action.dueOn, asOf: asOf) ?? false)
        }
        let headings = ActionHeading.allCases.compactMap { heading -> SummaryHeading? in
            let under = zip(plan.actions, actions).filter { $0.0.heading == heading.rawValue }.map(\.1)
                .sorted { $0.dueOn < $1.dueOn }  // stable: same-day actions stay in the order they were added
            return under.isEmpty ? nil : SummaryHeading(heading: heading.rawValue, label: heading.label, actions: under)
        }
        return SummaryPlan(
            id: plan.id, spocLogin: plan.spocLogin, spocName: plan.spocName, agency: plan.agency, openedAt: plan.openedAt,
            reviewOn: plan.reviewOn, overdueActions: actions.filter(\.overdue).count, headings: headings)
    }

    func withheld(_ dossier: PersonDossier) -> [SummaryWithheld] {
        Dictionary(grouping: dossier.withheld, by: \.agency)
            .map { agency, rows in
                SummaryWithheld(
                    agency: agency, agencyLabel: Agency(rawValue: agency)?.label ?? agency, count: rows.reduce(0) { $0 + $1.count },
                    tables: Array(Set(rows.map(\.recordTable))).sorted())
            }
            .sorted { $0.agency < $1.agency }
    }

    private func orderLabel(_ code: String) -> String { model.catalogue.orderType(code)?.label ?? code }
    private func forumLabel(_ code: String) -> String { Forum(rawValue: code)?.label ?? code }
}
