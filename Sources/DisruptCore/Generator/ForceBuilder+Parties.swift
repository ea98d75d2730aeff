/// Parties and relationships: victims (partners, ex-partners, family), children, new partners.
extension ForceBuilder {
    private func nextPartyRef() -> String {
        partyNumber += 1
        return Self.ref("V-", partyNumber, width: 6)
    }

    private func partnerName(perpetratorGender gender: String) -> String {
        let partnerIsFemale = gender == "female" ? rng.chance(0.3) : rng.chance(0.95)
        return rng.pick(partnerIsFemale ? ForceNames.female : ForceNames.male)
    }

    /// Victims with consecutive (for serial perpetrators slightly overlapping) periods of abuse.
    func makeVictims(personRef: String, count: Int, personDOB: Int, gender: String, family: String,
                     activeStart: Int, activeEnd: Int) throws -> [ForceVictim] {
        var victims: [ForceVictim] = []
        let span = max(1, activeEnd - activeStart)
        let length = max(1, span / count)
        for k in 0..<count {
            let overlap = k > 0 ? min(length / 3, 90) : 0
            let segmentStart = max(windowStart, activeStart + k * length - overlap)
            let segmentEnd = k == count - 1 ? activeEnd : min(activeEnd, activeStart + (k + 1) * length)
            let ref = nextPartyRef()
            let isFamily = rng.chance(0.07)
            let given: String
            let partyFamily: String
            var dob: Int?
            if isFamily {
                given = rng.pick(rng.chance(0.7) ? ForceNames.female : ForceNames.male)
                partyFamily = family
                dob = rng.chance(0.6) ? personDOB - rng.int(18...35) * 365 : personDOB + rng.int(-2000...2000)
            } else {
                given = partnerName(perpetratorGender: gender)
                partyFamily = rng.chance(0.8) ? rng.pick(ForceNames.family) : family
                dob = personDOB + rng.int(-3000...3000)
            }
            dob = min(dob!, asOf - 16 * 365 - rng.int(0...364))
            if rng.chance(0.1) { dob = nil }
            try write(.parties, [ref, given, partyFamily, Self.iso(dob), isFamily ? "family" : "victim"])
            counts.parties += 1

            let from: Int
            var to: Int?
            let relationship: String
            if isFamily {
                from = max(personDOB, dob ?? personDOB)
                relationship = "family"
            } else {
                from = segmentStart - rng.int(30...1500)
                if k == count - 1 && rng.chance(0.45) {
                    to = nil
                } else {
                    to = max(from + 1, min(asOf, segmentEnd + rng.int(0...90)))
                }
                relationship = to == nil ? "partner" : "ex_partner"
            }
            try write(.relationships, [personRef, ref, relationship, Self.iso(from), Self.iso(to), nil])
            counts.relationships += 1
            victims.append(ForceVictim(ref: ref, givenName: given, isFamily: isFamily,
                                       isCurrentPartner: !isFamily && to == nil, segmentStart: segmentStart, segmentEnd: max(segmentStart, segmentEnd)))
        }
        return victims
    }

    /// Children of the perpetrator (or step-children through a victim), with contact status.
    func children(personRef: String, family: String, victims: [ForceVictim]) throws {
        guard rng.chance(0.35) else { return }
        let count = 1 + (rng.chance(0.4) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0)
        for _ in 0..<count {
            let ref = nextPartyRef()
            let dob = asOf - rng.int(30...(17 * 365))
            let given = rng.pick(rng.chance(0.5) ? ForceNames.female : ForceNames.male)
            let childFamily = rng.chance(0.7) ? family : rng.pick(ForceNames.family)
            try write(.parties, [ref, given, childFamily, Self.iso(dob), "child"])
            counts.parties += 1
            let isStep = rng.chance(0.2)
            let from = isStep ? max(dob, victims[0].segmentStart - rng.int(0...400)) : dob
            let hasContact = rng.chance(0.55)
            try write(.relationships, [personRef, ref, isStep ? "step_child" : "child", Self.iso(from), nil,
                                       hasContact ? "true" : "false"])
            counts.relationships += 1
        }
    }

    /// A new partner after the last relationship ended; returns when it started.
    func newPartner(personRef: String, gender: String, personDOB: Int, tier: ForceTier,
                    victims: [ForceVictim]) throws -> Int? {
        let p: Double
        switch tier {
        case .ordinary: p = 0.15
        case .repeated: p = 0.35
        case .serial: p = 0.7
        }
        guard let last = victims.last, !last.isFamily, !last.isCurrentPartner, rng.chance(p) else { return nil }
        let from = last.segmentEnd + rng.int(10...300)
        guard from < asOf else { return nil }
        let ref = nextPartyRef()
        let dob = min(personDOB + rng.int(-3000...3000), asOf - 17 * 365)
        try write(.parties, [ref, partnerName(perpetratorGender: gender), rng.pick(ForceNames.family), Self.iso(dob), "new_partner"])
        counts.parties += 1
        try write(.relationships, [personRef, ref, "partner", Self.iso(from), nil, nil])
        counts.relationships += 1
        return from
    }
}
