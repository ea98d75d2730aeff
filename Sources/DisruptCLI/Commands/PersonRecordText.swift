import DisruptCore
import DisruptStore

/// The text view of `disrupt person show`: a heading, then one table per non-empty section.
enum PersonRecordText {
    static func render(_ r: PersonRecord.Sections) -> String {
        let p = r.person
        var out = ["\([p.givenName, p.familyName].compactMap { $0 }.joined(separator: " ")) (\(p.personRef))"]
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
        section("ALIASES", ["NAME", "BORN", "AGENCY"], r.aliases.map { [$0.aliasName, d($0.dateOfBirth), $0.agency] })
        section("RELATIONSHIPS", ["PARTY", "NAME", "KIND", "RELATIONSHIP", "FROM", "TO", "CONTACT"], r.relationships.map {
            [$0.partyRef, [$0.givenName, $0.familyName].compactMap { $0 }.joined(separator: " "), $0.partyKind, $0.relationship,
             d($0.fromOn), d($0.toOn), $0.hasContact.map { $0 ? "yes" : "no" } ?? ""]
        })
        section("INCIDENTS", ["REF", "ON", "OFFENCE", "GRAVITY", "VICTIM", "AGENCY"], r.incidents.map {
            [$0.sourceRef, $0.occurredOn.iso, $0.offence ?? "", $0.gravity.map(String.init) ?? "", $0.victimRef ?? "", $0.agency]
        })
        section("MARKERS", ["REF", "KIND", "RECORDED", "EXPIRES", "AGENCY", "NOTE"], r.markers.map {
            [$0.sourceRef, $0.kind, $0.recordedOn.iso, d($0.expiresOn), $0.agency + ($0.sensitivity == "restricted" ? " (restricted)" : ""), $0.note ?? ""]
        })
        section("ORDERS", ["REF", "TYPE", "STARTS", "ENDS", "PROTECTS", "CONDITIONS"], r.orders.map {
            [$0.sourceRef, $0.orderType, $0.startsOn.iso, d($0.endsOn), $0.protectedPartyRef ?? "", $0.conditions ?? ""]
        })
        section("BREACHES", ["REF", "ON", "ORDER", "REPORTED", "ACTION", "NOTE"], r.breaches.map {
            [$0.sourceRef, $0.occurredOn.iso, $0.orderRef ?? "", d($0.reportedOn), $0.actionTaken ?? "", $0.note ?? ""]
        })
        section("FORUM LINKS", ["REF", "FORUM", "STATUS", "LEAD", "STARTS", "ENDS", "DETAIL", "NEXT REVIEW"], r.links.map {
            let detail = [$0.mappaCategory.map { "cat \($0)" }, $0.mappaLevel.map { "level \($0)" }, $0.iomCohort,
                          $0.licenceEndsOn.map { "licence to \($0.iso)" }].compactMap { $0 }.joined(separator: ", ")
            return [$0.sourceRef, $0.forum, $0.status, $0.leadAgency ?? "", $0.startsOn.iso, d($0.endsOn), detail, d($0.nextReviewOn)]
        })
        section("REFERRALS", ["REF", "ON", "CRITERION", "DASH", "VICTIM", "AGENCY"], r.referrals.map {
            [$0.sourceRef, $0.referredOn.iso, $0.criterion, $0.dashScore.map(String.init) ?? "", $0.victimRef ?? "", $0.agency]
        })
        return out.joined(separator: "\n")
    }
}
