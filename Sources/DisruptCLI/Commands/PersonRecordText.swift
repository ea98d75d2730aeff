import DisruptCore
import DisruptStore

/// The text view of `disrupt person show`: a heading, then one table per non-empty section,
/// rendered from the person's dossier. `gravity` resolves an incident's gravity (its own, else
/// its offence's) the way the rules do.
enum PersonRecordText {
    static func render(_ r: PersonDossier, gravity: (IncidentRecord) -> Int) -> String {
        let p = r.person
        var out = ["\(p.fullName) (\(p.ref))"]
        out.append("  born \(p.dateOfBirth?.iso ?? "unknown")   gender \(p.gender ?? "unknown")   PNC \(p.pncId ?? "none")   agency \(p.agency) (\(p.sensitivity))")
        if !p.mergedRefs.isEmpty { out.append("  merged from \(p.mergedRefs.joined(separator: ", "))") }
        func section(_ title: String, _ headers: [String], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            var table = TextTable(headers)
            rows.forEach { table.append($0) }
            out.append("")
            out.append("\(title) (\(rows.count))")
            out.append(table.render())
        }
        func d(_ day: Day?) -> String { day?.iso ?? "" }
        func ref(_ id: Int64?) -> String { r.party(id)?.ref ?? "" }
        section("ALIASES", ["NAME", "BORN", "AGENCY"], r.aliases.map { [$0.name, d($0.dateOfBirth), $0.agency] })
        section("RELATIONSHIPS", ["PARTY", "NAME", "KIND", "RELATIONSHIP", "FROM", "TO", "CONTACT"], r.relationshipsInRecordOrder.map {
            let party = r.party($0.partyId)
            return [party?.ref ?? "", party?.fullName ?? "", party?.kind ?? "", $0.relationship,
                    d($0.fromOn), d($0.toOn), $0.hasContact.map { $0 ? "yes" : "no" } ?? ""]
        })
        section("INCIDENTS", ["REF", "ON", "OFFENCE", "GRAVITY", "VICTIM", "AGENCY"], r.incidents.map {
            [$0.sourceRef, $0.occurredOn.iso, $0.offence ?? "", String(gravity($0)), ref($0.partyId), $0.agency]
        })
        section("MARKERS", ["REF", "KIND", "RECORDED", "EXPIRES", "AGENCY", "NOTE"], r.markers.map {
            [$0.sourceRef, $0.kind, $0.recordedOn.iso, d($0.expiresOn), $0.agency + ($0.sensitivity == "restricted" ? " (restricted)" : ""), $0.note ?? ""]
        })
        section("ORDERS", ["REF", "TYPE", "STARTS", "ENDS", "PROTECTS", "CONDITIONS"], r.orders.map {
            [$0.sourceRef, $0.orderType, $0.startsOn.iso, d($0.endsOn), ref($0.protectedPartyId), $0.conditions ?? ""]
        })
        section("BREACHES", ["REF", "ON", "ORDER", "REPORTED", "ACTION", "NOTE"], r.breaches.map {
            [$0.sourceRef, $0.occurredOn.iso, $0.orderRef ?? "", d($0.reportedOn), $0.actionTaken ?? "", $0.note ?? ""]
        })
        section("FORUM LINKS", ["REF", "FORUM", "STATUS", "LEAD", "STARTS", "ENDS", "DETAIL", "NEXT REVIEW"], r.forumLinks.map {
            let detail = [$0.mappaCategory.map { "cat \($0)" }, $0.mappaLevel.map { "level \($0)" }, $0.iomCohort,
                          $0.licenceEndsOn.map { "licence to \($0.iso)" }].compactMap { $0 }.joined(separator: ", ")
            return [$0.sourceRef, $0.forum, $0.status, $0.leadAgency ?? "", $0.startsOn.iso, d($0.endsOn), detail, d($0.nextReviewOn)]
        })
        section("REFERRALS", ["REF", "ON", "CRITERION", "DASH", "VICTIM", "AGENCY"], r.referrals.map {
            [$0.sourceRef, $0.referredOn.iso, $0.criterion, $0.dashScore.map(String.init) ?? "", ref($0.partyId), $0.agency]
        })
        if !r.withheld.isEmpty {
            out.append("")
            out.append("WITHHELD: " + r.withheld.map { "\($0.count) \($0.recordTable) from \($0.agency)" }.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }
}

extension PersonDossier {
    /// Relationships as the record lists them: by start (open starts last), then party reference.
    var relationshipsInRecordOrder: [RelationshipRecord] {
        relationships.sorted { a, b in
            switch (a.fromOn, b.fromOn) {
            case let (x?, y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return (party(a.partyId)?.ref ?? "") < (party(b.partyId)?.ref ?? "")
            }
        }
    }
}
