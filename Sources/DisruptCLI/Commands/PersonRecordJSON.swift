import DisruptCore
import Foundation

/// The JSON view of `disrupt person show`, rendered from the person's dossier: the documented
/// top-level keys (person, aliases, relationships, incidents, markers, orders, breaches, links,
/// referrals) plus parties and withheld; snake_case keys, ISO dates, every key present (null
/// when empty). Parties are named by their reference, never by internal ids.
enum PersonRecordJSON {
    static func render(_ r: PersonDossier, gravity: (IncidentRecord) -> Int) throws -> String {
        func d(_ day: Day?) -> Any { day?.iso ?? NSNull() }
        func v(_ value: Any?) -> Any { value ?? NSNull() }
        func ref(_ id: Int64?) -> Any { v(r.party(id)?.ref) }
        let p = r.person
        let document: [String: Any] = [
            "person": [
                "person_ref": p.ref, "pnc_id": v(p.pncId), "given_name": v(p.givenName), "family_name": p.familyName,
                "date_of_birth": d(p.dateOfBirth), "gender": v(p.gender), "agency": p.agency, "sensitivity": p.sensitivity,
                "merged_refs": p.mergedRefs,
            ],
            "aliases": r.aliases.map { ["alias_name": $0.name, "date_of_birth": d($0.dateOfBirth), "agency": $0.agency] },
            "relationships": r.relationshipsInRecordOrder.map { (x: RelationshipRecord) -> [String: Any] in
                let party = r.party(x.partyId)
                return [
                    "party_ref": v(party?.ref), "given_name": v(party?.givenName), "family_name": v(party?.familyName),
                    "date_of_birth": d(party?.dateOfBirth), "party_kind": v(party?.kind), "relationship": x.relationship,
                    "from_on": d(x.fromOn), "to_on": d(x.toOn), "has_contact": v(x.hasContact), "agency": x.agency,
                ]
            },
            "incidents": r.incidents.map {
                [
                    "source_ref": $0.sourceRef, "occurred_on": $0.occurredOn.iso, "offence": v($0.offence), "gravity": gravity($0),
                    "victim_ref": ref($0.partyId), "note": v($0.note), "agency": $0.agency,
                    "separate_event": $0.separateEvent ?? false,
                ]
            },
            "markers": r.markers.map {
                [
                    "source_ref": $0.sourceRef, "kind": $0.kind, "recorded_on": $0.recordedOn.iso, "expires_on": d($0.expiresOn),
                    "note": v($0.note), "agency": $0.agency, "sensitivity": $0.sensitivity,
                ]
            },
            "orders": r.orders.map {
                [
                    "source_ref": $0.sourceRef, "order_type": $0.orderType, "starts_on": $0.startsOn.iso, "ends_on": d($0.endsOn),
                    "protected_party_ref": ref($0.protectedPartyId), "conditions": v($0.conditions), "agency": $0.agency,
                ]
            },
            "breaches": r.breaches.map {
                [
                    "source_ref": $0.sourceRef, "order_ref": v($0.orderRef), "occurred_on": $0.occurredOn.iso,
                    "reported_on": d($0.reportedOn), "action_taken": v($0.actionTaken), "note": v($0.note), "agency": $0.agency,
                ]
            },
            "links": r.forumLinks.map {
                [
                    "source_ref": $0.sourceRef, "forum": $0.forum, "reference": v($0.reference), "status": $0.status,
                    "lead_agency": v($0.leadAgency), "starts_on": $0.startsOn.iso, "ends_on": d($0.endsOn),
                    "mappa_category": v($0.mappaCategory), "mappa_level": v($0.mappaLevel), "iom_cohort": v($0.iomCohort),
                    "licence_ends_on": d($0.licenceEndsOn), "next_review_on": d($0.nextReviewOn), "contact": v($0.contact),
                    "agency": $0.agency,
                ]
            },
            "referrals": r.referrals.map {
                [
                    "source_ref": $0.sourceRef, "referred_on": $0.referredOn.iso, "criterion": $0.criterion,
                    "dash_score": v($0.dashScore), "victim_ref": ref($0.partyId), "agency": $0.agency,
                ]
            },
            "parties": r.parties.map {
                [
                    "party_ref": $0.ref, "party_kind": $0.kind, "given_name": v($0.givenName), "family_name": v($0.familyName),
                    "date_of_birth": d($0.dateOfBirth),
                ]
            },
            "withheld": r.withheld.map { ["agency": $0.agency, "record_table": $0.recordTable, "count": $0.count] },
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
