/// Incidents and warning markers.
extension ForceBuilder {
    /// Writes the person's incidents in date order; remembers each victim's incident days.
    func incidents(personRef: String, tier: ForceTier, victims: inout [ForceVictim]) throws -> [ForceIncident] {
        let count: Int
        switch tier {
        case .ordinary: count = 1 + rng.geometric(mean: 1.5)
        case .repeated: count = 3 + rng.geometric(mean: 4)
        case .serial: count = min(200, 12 + rng.geometric(mean: 25))
        }
        var planned: [(day: Int, victim: Int)] = []
        planned.reserveCapacity(count)
        for _ in 0..<count {
            let k = rng.int(0...(victims.count - 1))
            let day = rng.int(victims[k].segmentStart...victims[k].segmentEnd)
            planned.append((min(asOf, max(windowStart, day)), k))
        }
        planned.sort { $0.day != $1.day ? $0.day < $1.day : $0.victim < $1.victim }

        let table = tier == .serial ? ForceVocabulary.serialOffences : ForceVocabulary.ordinaryOffences
        var result: [ForceIncident] = []
        result.reserveCapacity(count)
        var previous: (day: Int, victim: Int)?
        for (day, k) in planned {
            defer { previous = (day, k) }
            let offenceIndex = rng.weighted(table)
            let offence = ForceVocabulary.offences[offenceIndex]
            let victim: Int? = ForceVocabulary.victimless.contains(offence.code) ? nil : k
            let gravity: String? = rng.chance(0.06) ? String(min(40, max(1, offence.gravity + rng.int(-1...5)))) : nil
            incidentNumber += 1
            let ref = Self.ref("I-", incidentNumber, width: 7)
            // A second record of the same victim and day: every other one says it is a separate event
            // (no random draw, so the rest of the force is unchanged); empty = false.
            let sameDay = victim != nil && previous.map { $0.day == day && $0.victim == k } == true
            let separate: String? = sameDay && incidentNumber % 2 == 0 ? "true" : nil
            try write(.incidents, [ref, personRef, victim.map { victims[$0].ref }, Self.iso(day), offence.code, gravity,
                                   rng.weighted(ForceVocabulary.incidentAgency), separate, nil, nil])
            counts.incidents += 1
            if let victim { victims[victim].incidentDays.append(day) }
            result.append(ForceIncident(day: day, victim: victim, offence: offence.code))
        }
        return result
    }

    /// Warning markers: health-type ones mostly restricted, the rest mostly shared.
    func markers(personRef: String, tier: ForceTier, activeStart: Int, newPartnerFrom: Int?, victims: [ForceVictim]) throws {
        let count: Int
        switch tier {
        case .ordinary: count = rng.geometric(mean: 2.5)
        case .repeated: count = 4 + rng.geometric(mean: 4)
        case .serial: count = 15 + rng.geometric(mean: 12)
        }
        let earliest = max(windowStart, activeStart - 180)
        for _ in 0..<count {
            let kind = rng.weighted(ForceVocabulary.markerKinds)
            let agencies = ForceVocabulary.markerAgencyByKind[kind] ?? ForceVocabulary.generalMarkerAgency
            try marker(personRef: personRef, kind: kind, agency: rng.weighted(agencies), recorded: rng.int(earliest...asOf))
        }
        if let newPartnerFrom {
            try marker(personRef: personRef, kind: "new_relationship", agency: rng.chance(0.7) ? "police" : "idva",
                       recorded: min(asOf, newPartnerFrom + rng.int(0...60)))
        }
        if tier == .serial {
            if rng.chance(0.9), victims.count >= 2 {
                try marker(personRef: personRef, kind: "serial_perpetrator", agency: "police",
                           recorded: min(asOf, victims[1].segmentStart + rng.int(30...200)))
            }
            if rng.chance(0.3) {
                try marker(personRef: personRef, kind: "pdp", agency: "police", recorded: rng.int(earliest...asOf))
            }
        }
    }

    private func marker(personRef: String, kind: String, agency: String, recorded: Int) throws {
        let restricted = ForceVocabulary.healthMarkers.contains(kind) ? rng.chance(0.7) : rng.chance(0.03)
        let expires: Int? = rng.chance(0.25) ? recorded + rng.int(365...1095) : nil
        let note: String? = rng.chance(0.6) ? rng.pick(ForceVocabulary.markerNotes[kind] ?? ForceVocabulary.generalNotes) : nil
        markerNumber += 1
        try write(.markers, [Self.ref("M-", markerNumber, width: 7), personRef, kind, Self.iso(recorded), Self.iso(expires),
                             agency, restricted ? "restricted" : "shared", note])
        counts.markers += 1
    }
}
