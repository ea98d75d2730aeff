/// The rules' view of a dossier: the ONE mapping from one person's records to `PersonFacts`
/// (the batch loader of `disrupt recompute` must agree with it; a test checks they do).
extension PersonDossier {
    /// The facts the trigger rules consume. Evidence references are the records' source
    /// references; relationships, which have none, are `relationship-<id>`. A victim is the
    /// party's reference, or `party-<id>` when the reader cannot see the party (so distinct
    /// victims still count as distinct). An incident's gravity is resolved through the offence
    /// catalogue; codes the enums do not know fall back to the neutral value (agency `other`,
    /// breach action `none`) rather than dropping the record. A breach carries the party its
    /// order protects (when the reader may see the order).
    public func facts(offences: OffenceCatalogue) -> PersonFacts {
        let orderTypes = Dictionary(orders.map { ($0.id, $0.orderType) }, uniquingKeysWith: { first, _ in first })
        let protected = Dictionary(orders.map { ($0.id, $0.protectedPartyId) }, uniquingKeysWith: { first, _ in first })
        return PersonFacts(
            personRef: person.ref,
            markers: markers.map {
                MarkerFact(
                    ref: $0.sourceRef, sourceRef: $0.sourceRef, kind: $0.kind, recordedOn: $0.recordedOn, expiresOn: $0.expiresOn,
                    agency: Agency(rawValue: $0.agency) ?? .other, sensitivity: Sensitivity(rawValue: $0.sensitivity) ?? .shared)
            },
            incidents: incidents.map {
                IncidentFact(
                    ref: $0.sourceRef, victimRef: partyRef($0.partyId), occurredOn: $0.occurredOn,
                    offence: $0.offence, gravity: offences.gravity(explicit: $0.gravity, offence: $0.offence),
                    agency: Agency(rawValue: $0.agency) ?? .other, separateEvent: $0.separateEvent ?? false)
            },
            breaches: breaches.map {
                BreachFact(
                    ref: $0.sourceRef, occurredOn: $0.occurredOn,
                    orderType: $0.orderType ?? $0.orderId.flatMap { orderTypes[$0] },
                    actionTaken: $0.actionTaken.flatMap(BreachAction.init(rawValue:)) ?? .none,
                    protectedPartyRef: partyRef($0.orderId.flatMap { protected[$0] ?? nil }))
            },
            orders: orders.map {
                OrderFact(
                    ref: $0.sourceRef, type: $0.orderType, startsOn: $0.startsOn, endsOn: $0.endsOn,
                    protectedPartyRef: partyRef($0.protectedPartyId))
            },
            relationships: relationships.compactMap { record in
                RelationshipKind(rawValue: record.relationship).map {
                    RelationshipFact(
                        ref: "relationship-\(record.id)", partyRef: partyRef(record.partyId) ?? "", relationship: $0,
                        from: record.fromOn, to: record.toOn, hasContact: record.hasContact ?? false)
                }
            },
            maracReferrals: referrals.compactMap { record in
                ReferralCriterion(rawValue: record.criterion).map {
                    MaracReferralFact(
                        ref: record.sourceRef, partyRef: partyRef(record.partyId), referredOn: record.referredOn, criterion: $0)
                }
            },
            forumLinks: forumLinks.compactMap { record in
                guard let forum = Forum(rawValue: record.forum), let status = LinkStatus(rawValue: record.status) else { return nil }
                return ForumLinkFact(
                    ref: record.sourceRef, forum: forum, status: status,
                    leadAgency: record.leadAgency.flatMap(Agency.init(rawValue:)), mappaCategory: record.mappaCategory,
                    mappaLevel: record.mappaLevel, iomCohort: record.iomCohort.flatMap(IOMCohort.init(rawValue:)),
                    reviewOn: record.nextReviewOn, licenceExpiresOn: record.licenceEndsOn, startsOn: record.startsOn,
                    endsOn: record.endsOn)
            },
            parties: parties.map {
                PartyFact(ref: $0.ref, kind: PartyKind(rawValue: $0.kind), dateOfBirth: $0.dateOfBirth)
            }
        )
    }

    /// The party's reference, `party-<id>` when the reader cannot see it, nil without a party.
    func partyRef(_ id: Int64?) -> String? {
        id.map { party($0)?.ref ?? "party-\($0)" }
    }
}
