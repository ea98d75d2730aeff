import Testing
@testable import DisruptCore

/// Active-marker and "ever" triggers, expiry, future records and child contact.
@Suite struct TriggerMarkerTests {
    @Test(arguments: ["homeless", "substance_misuse", "mental_ill_health", "risk_to_professionals"])
    func activeMarkerTriggers(_ kind: String) {
        #expect(fired(person(markers: [marker(kind, "2010-01-01")])) == [kind])
        // Recorded on as-of: active. Recorded the day after: does not exist yet.
        #expect(fired(person(markers: [marker(kind, "2026-06-15")])) == [kind])
        #expect(fired(person(markers: [marker(kind, "2026-06-16")])) == [])
        // Expires on as-of: still active. Expired the day before: never fires.
        #expect(fired(person(markers: [marker(kind, "2020-01-01", expires: "2026-06-15")])) == [kind])
        #expect(fired(person(markers: [marker(kind, "2020-01-01", expires: "2026-06-14")])) == [])
    }

    @Test(arguments: [
        ("sexual_violence", "sexual_violence", "rape"),
        ("strangulation", "strangulation", "non_fatal_strangulation"),
        ("threats_to_kill", "threats_to_kill", "threats_to_kill"),
        ("arson", "arson", "arson"),
    ])
    func everTriggers(_ code: String, _ markerKind: String, _ offence: String) {
        #expect(fired(person(markers: [marker(markerKind, "1990-01-01")])).contains(code))
        #expect(!fired(person(markers: [marker(markerKind, "1990-01-01", expires: "2026-06-14")])).contains(code))
        #expect(!fired(person(markers: [marker(markerKind, "2026-06-16")])).contains(code))
        #expect(fired(person(incidents: [incident("1990-01-01", offence: offence)])).contains(code))
        #expect(fired(person(incidents: [incident("2026-06-15", offence: offence)])).contains(code))
        #expect(!fired(person(incidents: [incident("2026-06-16", offence: offence)])).contains(code))
    }

    @Test func selfHarmExpiredInsideWindowDoesNotFire() {
        #expect(fired(person(markers: [marker("self_harm_suicide", "2026-01-01", expires: "2026-06-01")])) == [])
    }

    @Test func unrelatedMarkersAndIncidentsDoNotFire() {
        let facts = person(
            markers: [marker("access_vehicles", "2026-01-01"), marker("pdp", "2026-01-01")],
            incidents: [incident("2026-01-01", offence: "common_assault")])
        #expect(fired(facts) == [])
    }

    @Test func childContactNeedsAnotherTrigger() throws {
        let child = RelationshipFact(ref: "r1", partyRef: "c1", relationship: .child, from: day("2020-01-01"), hasContact: true)
        #expect(fired(person(relationships: [child])) == [])
        let facts = person(markers: [marker("homeless", "2026-01-01")], relationships: [child])
        #expect(fired(facts) == ["homeless", "child_contact"])
        let contact = try #require(trigger("child_contact", facts))
        #expect(contact.reason == "contact with 1 child while 1 other trigger fires")
        #expect(contact.evidence == [Evidence(kind: .relationship, ref: "r1", on: day("2020-01-01"))])

        let noContact = RelationshipFact(ref: "r2", partyRef: "c2", relationship: .stepChild, hasContact: false)
        let ended = RelationshipFact(ref: "r3", partyRef: "c3", relationship: .child, to: day("2026-06-14"), hasContact: true)
        let endsToday = RelationshipFact(ref: "r4", partyRef: "c4", relationship: .stepChild, to: day("2026-06-15"), hasContact: true)
        let notYet = RelationshipFact(ref: "r5", partyRef: "c5", relationship: .child, from: day("2026-06-16"), hasContact: true)
        let partner = RelationshipFact(ref: "r6", partyRef: "x", relationship: .partner, hasContact: true)
        let base = [marker("homeless", "2026-01-01")]
        #expect(fired(person(markers: base, relationships: [noContact, ended, notYet, partner])) == ["homeless"])
        #expect(fired(person(markers: base, relationships: [endsToday])) == ["homeless", "child_contact"])
    }

    @Test func reasonsAndEvidence() throws {
        let facts = person(markers: [marker("homeless", "2026-01-05", ref: "m1")])
        let homeless = try #require(trigger("homeless", facts))
        #expect(homeless.reason == "active homeless marker recorded 2026-01-05")
        #expect(homeless.label == "Homeless or at risk of homelessness")
        #expect(homeless.evidence == [Evidence(kind: .marker, ref: "m1", on: day("2026-01-05"))])

        let two = person(markers: [marker("self_harm_suicide", "2026-01-05", ref: "a"), marker("self_harm_suicide", "2026-02-01", ref: "b")])
        let selfHarm = try #require(trigger("self_harm_suicide", two))
        #expect(selfHarm.reason == "2 records, most recent: active self harm suicide marker recorded 2026-02-01")
        #expect(selfHarm.evidence.map(\.ref) == ["b", "a"])
    }

    @Test func disabledTriggerDoesNotFireButFlagsStillWork() throws {
        var config = shippedModel.triggers
        for i in config.rules.indices where ["homeless", "escalation"].contains(config.rules[i].code) {
            config.rules[i].enabled = false
        }
        let compiled = CompiledTriggers(configuration: config, offences: shippedModel.offences)
        let facts = person(
            markers: [marker("homeless", "2026-01-01")],
            incidents: ["2026-01-01", "2026-02-01", "2026-03-01"].map { incident($0) })
        let result = compiled.evaluator(asOf: asOf).assess(facts)
        #expect(!result.triggers.map(\.code).contains("homeless"))
        #expect(!result.triggers.map(\.code).contains("escalation"))
        #expect(result.flags.escalating)
    }
}
