import Testing
@testable import DisruptCore

/// One assault recorded by police, health and the Idva is one incident, not three.
@Suite struct IncidentRuleTests {
    func record(_ ref: String, _ on: String, _ offence: String?, _ agency: Agency, victim: String? = "v1", separate: Bool = false)
        -> IncidentFact
    {
        IncidentFact(
            ref: ref, victimRef: victim, occurredOn: day(on), offence: offence,
            gravity: shippedModel.gravity(explicit: nil, offence: offence), agency: agency, separateEvent: separate)
    }

    /// 4 March 2026: he assaults her; police record ABH, the hospital common assault, the Idva an incident.
    var sameAssault: [IncidentFact] {
        [record("idva-1", "2026-03-04", nil, .idva), record("pol-1", "2026-03-04", "abh", .police),
         record("hosp-1", "2026-03-04", "common_assault", .health)]
    }

    @Test func threeAgenciesRecordingOneAssaultAreOneIncident() throws {
        let incidents = Incident.consolidate(sameAssault)
        let one = try #require(incidents.count == 1 ? incidents.first : nil)
        #expect(one.ref == "pol-1" && one.offence == "abh" && one.gravity == 8)
        #expect(one.agencies == [.police, .health, .idva])
        #expect(one.recordRefs == ["pol-1", "hosp-1", "idva-1"])
        // Escalation needs three incidents in twelve months: one assault is not three.
        #expect(!shippedModel.assess(person(incidents: sameAssault), asOf: day("2026-03-04")).flags.escalating)
        // RFG: frequency counts one event, gravity is the gravest record, not the sum (8, not 8+3+1).
        let rfg = shippedModel.rfgScore(person(incidents: sameAssault), asOf: day("2026-03-04"))
        #expect(rfg.incidentCount == 1 && rfg.gravityTotal == 8 && rfg.victimCount == 1)
    }

    @Test func theDayBeforeAndTheDayAfterAreOtherIncidents() {
        let facts = [record("a", "2026-03-03", nil, .police), record("b", "2026-03-04", nil, .health),
                     record("c", "2026-03-05", nil, .idva)]
        #expect(Incident.consolidate(facts).map(\.ref) == ["a", "b", "c"])
        #expect(shippedModel.assess(person(incidents: facts), asOf: day("2026-03-05")).flags.escalating)
    }

    @Test func aRecordSayingItIsASeparateEventStaysSeparate() {
        let morning = record("pol-1", "2026-03-04", "abh", .police)
        let evening = record("pol-2", "2026-03-04", "criminal_damage", .police, separate: true)
        #expect(Incident.consolidate([morning, evening]).count == 2)
    }

    /// Two agencies may use the same reference (a shared record and a restricted one): incidents
    /// named by the same reference on the same day come gravest first, then in the records'
    /// order, whatever the victims' references (the first on a tie is the one the repeat flag names).
    @Test func incidentsOfOneReferenceOnOneDayComeGravestFirstThenInTheirOrder() {
        let milder = IncidentFact(ref: "INC-7", victimRef: "V-A", occurredOn: day("2026-03-04"), gravity: 2)
        let graver = IncidentFact(ref: "INC-7", victimRef: "V-B", occurredOn: day("2026-03-04"), gravity: 5)
        let alike = IncidentFact(ref: "INC-7", victimRef: "V-C", occurredOn: day("2026-03-04"), gravity: 2)
        #expect(Incident.consolidate([milder, graver]).map(\.victimRef) == ["V-B", "V-A"])
        #expect(Incident.consolidate([alike, milder, graver]).map(\.victimRef) == ["V-B", "V-C", "V-A"])
        #expect(Incident.consolidate([milder, alike, graver]).map(\.victimRef) == ["V-B", "V-A", "V-C"])
    }

    @Test func otherVictimOrNoVictimIsAnotherIncident() {
        let her = record("a", "2026-03-04", nil, .police)
        let sister = record("b", "2026-03-04", nil, .police, victim: "v2")
        let unknown = record("c", "2026-03-04", nil, .health, victim: nil)
        #expect(Incident.consolidate([her, sister, unknown]).count == 3)
    }

    @Test func theSummaryShowsTheAssaultOnceWithEveryAgency() throws {
        let dossier = PersonDossier(
            person: DossierPerson(id: 1, ref: "P-1", familyName: "Walsh"),
            parties: [PartyRecord(id: 10, ref: "v1", kind: "victim", givenName: "Amy", familyName: "Hart")],
            incidents: [
                IncidentRecord(id: 1, partyId: 10, occurredOn: day("2026-03-04"), offence: "abh", agency: "police", sourceRef: "pol-1"),
                IncidentRecord(id: 2, partyId: 10, occurredOn: day("2026-03-04"), offence: "common_assault", agency: "health", sourceRef: "hosp-1"),
                IncidentRecord(id: 3, partyId: 10, occurredOn: day("2026-03-04"), agency: "idva", sourceRef: "idva-1"),
            ])
        let summary = SummaryBuilder(model: shippedModel).build(dossier, asOf: day("2026-03-10"))
        #expect(summary.incidents.total == 1)
        let shown = try #require(summary.incidents.recent.first)
        #expect(shown.offence == "abh" && shown.gravity == 8 && shown.agencies == ["police", "health", "idva"])
        #expect(summary.relationships.victims.first?.incidents == 1)
    }
}
