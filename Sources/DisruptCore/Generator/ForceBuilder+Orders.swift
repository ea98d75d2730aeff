import Foundation

/// Orders (bail, RUI, protective notices and orders, licences) and their breaches.
extension ForceBuilder {
    /// Writes orders anchored on incidents, with breaches; returns the latest licence end, if any.
    func orders(personRef: String, tier: ForceTier, incidents: [ForceIncident], victims: [ForceVictim]) throws -> Int? {
        let count: Int
        switch tier {
        case .ordinary: count = rng.chance(0.25) ? 1 : 0
        case .repeated: count = 1 + rng.geometric(mean: 1)
        case .serial: count = 3 + rng.geometric(mean: 3)
        }
        var licenceEnd: Int?
        for _ in 0..<count {
            let incident = incidents[rng.int(0...(incidents.count - 1))]
            let type = rng.weighted(ForceVocabulary.incidentOrderTypes)
            let victim = incident.victim ?? rng.int(0...(victims.count - 1))
            let protected: Int?
            if ForceVocabulary.protectiveOrders.contains(type) {
                protected = victim
            } else if type == "bail" || type == "rui" {
                protected = rng.chance(0.6) ? victim : nil
            } else {
                protected = rng.chance(0.3) ? victim : nil
            }
            let start = min(asOf, incident.day + rng.int(0...3))
            let end = try order(personRef: personRef, type: type, protected: protected, start: start, tier: tier, victims: victims)
            if type == "licence" { licenceEnd = max(licenceEnd ?? end, end) }
            // A notice is often followed by the full order, starting when the notice ends.
            let followUp = type == "dvpn" ? "dvpo" : type == "dapn" ? "dapo" : nil
            if let followUp, end <= asOf, rng.chance(0.6) {
                _ = try order(personRef: personRef, type: followUp, protected: protected, start: end, tier: tier, victims: victims)
            }
        }
        return licenceEnd
    }

    /// Writes one order and its breaches; returns its end day.
    private func order(personRef: String, type: String, protected: Int?, start: Int, tier: ForceTier,
                       victims: [ForceVictim]) throws -> Int {
        let end = start + rng.int(ForceVocabulary.durationRange(type))
        orderNumber += 1
        let orderRef = Self.ref("O-", orderNumber, width: 6)
        try write(.orders, [orderRef, personRef, type, protected.map { victims[$0].ref }, Self.iso(start), Self.iso(end),
                            conditions(protected: protected.map { victims[$0] }), nil, nil])
        counts.orders += 1

        let p: Double
        switch tier {
        case .ordinary: p = 0.15
        case .repeated: p = 0.3
        case .serial: p = 0.6
        }
        guard rng.chance(p) else { return end }
        let breaches = 1 + rng.geometric(mean: tier == .serial ? 1.5 : 0.4)
        let lastPossible = min(end, asOf)
        for _ in 0..<breaches {
            let occurred = rng.int(start...lastPossible)
            let reported = min(asOf, occurred + rng.int(0...7))
            let onBail = type == "bail" || type == "rui"
            let byProbation = type == "licence" || type == "community_order"
            let action = type == "licence" && rng.chance(0.5) ? "recall" : rng.weighted(ForceVocabulary.breachActions)
            breachNumber += 1
            try write(.breaches, [
                Self.ref("B-", breachNumber, width: 6), personRef, onBail && rng.chance(0.4) ? nil : orderRef,
                Self.iso(occurred), Self.iso(reported), byProbation && rng.chance(0.8) ? "probation" : "police",
                action, rng.chance(0.5) ? rng.pick(ForceVocabulary.breachNotes) : nil,
            ])
            counts.breaches += 1
        }
        return end
    }

    private func conditions(protected: ForceVictim?) -> String? {
        guard rng.chance(0.8) else { return nil }
        var template = rng.pick(ForceVocabulary.conditionTemplates)
        if protected == nil {
            while template.contains("%P") { template = rng.pick(ForceVocabulary.conditionTemplates) }
        }
        var text = template
        if let protected { text = text.replacingOccurrences(of: "%P", with: protected.givenName) }
        text = text.replacingOccurrences(of: "%S", with: rng.pick(ForceNames.places))
        return text.replacingOccurrences(of: "%T", with: rng.pick(ForceNames.towns))
    }
}
