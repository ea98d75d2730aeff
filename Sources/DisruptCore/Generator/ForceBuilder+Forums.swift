/// Marac referrals (with repeats) and forum links (Marac, MAPPA, IOM, MATAC, DAPP, Drive).
extension ForceBuilder {
    /// Writes Marac referrals per victim; returns every referral day (for the Marac link).
    func referrals(personRef: String, tier: ForceTier, victims: [ForceVictim]) throws -> [Int] {
        let first: Double, more: Double
        switch tier {
        case .ordinary: (first, more) = (0.05, 0.1)
        case .repeated: (first, more) = (0.35, 0.3)
        case .serial: (first, more) = (0.7, 0.5)
        }
        var days: [Int] = []
        for victim in victims where !victim.incidentDays.isEmpty && rng.chance(first) {
            var day = victim.incidentDays[rng.int(0...(victim.incidentDays.count - 1))] + rng.int(1...21)
            guard day <= asOf else { continue }
            try referral(personRef: personRef, victim: victim, day: day, isRepeat: false)
            days.append(day)
            var made = 1
            while made < 6 && rng.chance(more) {
                // Within twelve months of the last referral it is a repeat by definition.
                let isRepeat = rng.chance(0.6)
                let next = day + (isRepeat ? rng.int(14...360) : rng.int(400...900))
                guard next <= asOf else { break }
                day = next
                try referral(personRef: personRef, victim: victim, day: day, isRepeat: isRepeat)
                days.append(day)
                made += 1
            }
        }
        return days
    }

    private func referral(personRef: String, victim: ForceVictim, day: Int, isRepeat: Bool) throws {
        let criterion: String
        let dash: Int
        if isRepeat {
            criterion = "repeat"
            dash = rng.int(5...24)
        } else {
            switch rng.int(0...99) {
            case 0..<55: criterion = "visible_high_risk"; dash = rng.int(14...27)
            case 55..<85: criterion = "professional_judgement"; dash = rng.int(3...13)
            default: criterion = "escalation"; dash = rng.int(6...20)
            }
        }
        referralNumber += 1
        try write(.referrals, [Self.ref("R-", referralNumber, width: 6), personRef, victim.ref, Self.iso(day), criterion,
                               String(dash), rng.weighted(ForceVocabulary.referralAgency)])
        counts.referrals += 1
    }

    func links(personRef: String, tier: ForceTier, activeStart: Int, incidents: [ForceIncident],
               referralDays: [Int], licenceEnd: Int?) throws {
        if let firstReferral = referralDays.min(), let lastReferral = referralDays.max() {
            let recent = lastReferral >= asOf - 365
            let status = recent ? (referralDays.count == 1 && rng.chance(0.2) ? "referred" : "active") : "closed"
            let end: Int? = status == "closed" ? min(asOf, lastReferral + rng.int(30...120)) : nil
            try link(personRef: personRef, forum: "marac", status: status, lead: rng.chance(0.7) ? "police" : "idva",
                     start: firstReferral, end: end)
        }
        let (mappa, iom, matac, dapp, drive): (Double, Double, Double, Double, Double)
        switch tier {
        case .ordinary: (mappa, iom, matac, dapp, drive) = (0.005, 0.01, 0, 0.02, 0)
        case .repeated: (mappa, iom, matac, dapp, drive) = (0.04, 0.06, 0.02, 0.05, 0.03)
        case .serial: (mappa, iom, matac, dapp, drive) = (0.3, 0.35, 0.6, 0.02, 0.15)
        }
        if rng.chance(mappa) {
            let sexual = incidents.contains { $0.offence == "rape" || $0.offence == "sexual_assault" }
            let category = sexual ? 1 : (rng.chance(0.8) ? 2 : 3)
            let levelRoll = rng.int(0...99)
            let level = tier == .serial ? (levelRoll < 40 ? 1 : levelRoll < 80 ? 2 : 3) : (levelRoll < 75 ? 1 : levelRoll < 95 ? 2 : 3)
            try genericLink(personRef: personRef, forum: "mappa", lead: category == 3 ? "police" : "probation",
                            activeStart: activeStart, mappa: (category, level), licenceEnd: licenceEnd)
        }
        if rng.chance(iom) {
            let cohortRoll = rng.int(0...9)
            try genericLink(personRef: personRef, forum: "iom", lead: rng.chance(0.7) ? "police" : "probation",
                            activeStart: activeStart, cohort: cohortRoll < 4 ? "fixed" : cohortRoll < 8 ? "flex" : "free",
                            licenceEnd: licenceEnd)
        }
        if rng.chance(matac) {
            try genericLink(personRef: personRef, forum: "matac", lead: "police", activeStart: activeStart)
        }
        if rng.chance(dapp) {
            try genericLink(personRef: personRef, forum: "dapp", lead: rng.chance(0.5) ? "probation" : "other", activeStart: activeStart)
        }
        if rng.chance(drive) {
            try genericLink(personRef: personRef, forum: "drive", lead: "other", activeStart: activeStart)
        }
    }

    private func genericLink(personRef: String, forum: String, lead: String, activeStart: Int,
                             mappa: (category: Int, level: Int)? = nil, cohort: String? = nil, licenceEnd: Int? = nil) throws {
        let start = rng.int(max(windowStart, activeStart)...asOf)
        let roll = rng.int(0...99)
        var status = roll < 65 ? "active" : roll < 90 ? "closed" : "referred"
        var end: Int?
        if status == "closed" {
            let candidate = start + rng.int(60...720)
            if candidate <= asOf { end = candidate } else { status = "active" }
        }
        try link(personRef: personRef, forum: forum, status: status, lead: lead, start: start, end: end,
                 mappa: mappa, cohort: cohort, licenceEnd: licenceEnd)
    }

    private func link(personRef: String, forum: String, status: String, lead: String, start: Int, end: Int?,
                      mappa: (category: Int, level: Int)? = nil, cohort: String? = nil, licenceEnd: Int? = nil) throws {
        let review: Int? = status == "closed" ? nil : max(start + 7, asOf + rng.int(-30...120))
        linkNumber += 1
        let year = Day(daysSince1970: start).components.year
        let reference = forum.uppercased() + "/" + String(year) + "/" + Self.ref("", linkNumber, width: 6)
        let finalEnd = end.map { max($0, start + 1) }
        try write(.links, [
            Self.ref("L-", linkNumber, width: 6), personRef, forum, reference, status, lead, Self.iso(start), Self.iso(finalEnd),
            mappa.map { String($0.category) }, mappa.map { String($0.level) }, cohort,
            Self.iso(licenceEnd), Self.iso(review),
        ])
        counts.links += 1
    }
}
