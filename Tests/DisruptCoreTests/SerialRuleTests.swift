import Testing
@testable import DisruptCore

/// Serial (Northumbria MATAC): two or more different victims aged 16 or over on the day of the
/// incident, within three years, or the police marker.
@Suite struct SerialRuleTests {
    func facts(_ incidents: [IncidentFact], parties: [PartyFact], relationships: [RelationshipFact] = []) -> PersonFacts {
        PersonFacts(personRef: "p1", incidents: incidents, relationships: relationships, parties: parties)
    }

    @Test func aWomanAndHerChildOnOneDayDoNotMakeHimSerial() {
        // 10 January 2026: he assaults Amy and her son Leo (recorded as a child) in one incident.
        let parties = [PartyFact(ref: "amy", kind: .victim), PartyFact(ref: "leo", kind: .child, dateOfBirth: day("2018-05-01"))]
        let son = RelationshipFact(ref: "r1", partyRef: "leo", relationship: .stepChild, hasContact: true)
        let result = shippedModel.assess(
            facts([incident("2026-01-10", victim: "amy"), incident("2026-01-10", victim: "leo")], parties: parties,
                  relationships: [son]),
            asOf: day("2026-01-20"))
        #expect(!result.flags.serial)
        #expect(!result.triggers.contains { $0.code == "serial_perpetrator" || $0.code == "child_contact" })
    }

    @Test func sixteenthBirthdayIsTheFirstDayAVictimCounts() {
        // Mia was born 10 February 2010: 16 on 10 February 2026.
        let parties = [PartyFact(ref: "amy", kind: .victim), PartyFact(ref: "mia", kind: .victim, dateOfBirth: day("2010-02-10"))]
        let earlier = incident("2025-01-05", victim: "amy")
        let onBirthday = facts([earlier, incident("2026-02-10", victim: "mia")], parties: parties)
        let dayBefore = facts([earlier, incident("2026-02-09", victim: "mia")], parties: parties)
        #expect(shippedModel.assess(onBirthday, asOf: day("2026-03-01")).flags.serial)
        #expect(!shippedModel.assess(dayBefore, asOf: day("2026-03-01")).flags.serial)
    }

    @Test func aPartyRecordedAsAChildNeverCounts() {
        // Recorded as a child although the date of birth makes her 17: the record says child.
        let parties = [PartyFact(ref: "amy"), PartyFact(ref: "zoe", kind: .child, dateOfBirth: day("2009-01-01"))]
        let result = shippedModel.assess(
            facts([incident("2025-01-05", victim: "amy"), incident("2026-02-10", victim: "zoe")], parties: parties),
            asOf: day("2026-03-01"))
        #expect(!result.flags.serial)
    }

    @Test func twoAdultVictimsWithinThreeYearsAreSerialToTheDay() throws {
        let parties = [PartyFact(ref: "amy", kind: .victim, dateOfBirth: day("1990-01-01")), PartyFact(ref: "beth")]
        let inside = facts([incident("2023-06-16", victim: "amy"), incident("2026-01-01", victim: "beth")], parties: parties)
        let windowEnd = facts([incident("2023-06-15", victim: "amy"), incident("2026-01-01", victim: "beth")], parties: parties)
        let serial = try #require(trigger("serial_perpetrator", inside))
        #expect(serial.reason == "incidents against 2 different victims aged 16 or over in the last 36 months, most recent 2026-01-01")
        #expect(trigger("serial_perpetrator", windowEnd) == nil)
    }
}
