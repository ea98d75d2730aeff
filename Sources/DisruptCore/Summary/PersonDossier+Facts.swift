/// The rules' view of a dossier.
extension PersonDossier {
    /// The facts the trigger rules consume. Refs are the store's row ids; an incident's gravity
    /// is resolved through the offence catalogue; codes the enums do not know fall back to the
    /// neutral value (agency `other`, breach action `none`) rather than dropping the record.
    public func facts(offences: OffenceCatalogue) -> PersonFacts {
        let orderTypes = Dictionary(orders.map { ($0.id, $0.orderType) }, uniquingKeysWith: { first, _ in first })
        return PersonFacts(
            personRef: person.ref,
            markers: markers.map {
                MarkerFact(
                    ref: String($0.id), kind: $0.kind, recordedOn: $0.recordedOn, expiresOn: $0.expiresOn,
                    agency: Agency(rawValue: $0.agency) ?? .other, sensitivity: Sensitivity(rawValue: $0.sensitivity) ?? .shared)
            },
            incidents: incidents.map {
                IncidentFact(
                    ref: String($0.id), victimRef: $0.partyId.map { String($0) }, occurredOn: $0.occurredOn,
                    offence: $0.offence, gravity: offences.gravity(explicit: $0.gravity, offence: $0.offence))
            },
            breaches: breaches.map {
                BreachFact(
                    ref: String($0.id), occurredOn: $0.occurredOn,
                    orderType: $0.orderType ?? $0.orderId.flatMap { orderTypes[$0] },
                    actionTaken: $0.actionTaken.flatMap(BreachAction.init(rawValue:)) ?? .none)
            },
            orders: orders.map { OrderFact(ref: String($0.id), type: $0.orderType, startsOn: $0.startsOn, endsOn: $0.endsOn) },
            relationships: relationships.compactMap { record in
                RelationshipKind(rawValue: record.relationship).map {
                    RelationshipFact(
                        ref: String(record.id), partyRef: String(record.partyId), relationship: $0, from: record.fromOn,
                        to: record.toOn, hasContact: record.hasContact ?? false)
                }
            },
            maracReferrals: referrals.compactMap { record in
                ReferralCriterion(rawValue: record.criterion).map {
                    MaracReferralFact(
                        ref: String(record.id), partyRef: record.partyId.map { String($0) }, referredOn: record.referredOn,
                        criterion: $0)
                }
            },
            forumLinks: forumLinks.compactMap { record in
                guard let forum = Forum(rawValue: record.forum), let status = LinkStatus(rawValue: record.status) else { return nil }
                return ForumLinkFact(
                    ref: String(record.id), forum: forum, status: status, leadAgency: record.leadAgency.flatMap(Agency.init(rawValue:)),
                    mappaCategory: record.mappaCategory, mappaLevel: record.mappaLevel,
                    iomCohort: record.iomCohort.flatMap(IOMCohort.init(rawValue:)), reviewOn: record.nextReviewOn,
                    licenceExpiresOn: record.licenceEndsOn)
            }
        )
    }
}
