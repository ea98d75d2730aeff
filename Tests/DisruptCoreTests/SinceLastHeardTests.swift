import Foundation
import Testing
@testable import DisruptCore

@Suite("Since last heard: the day rule and the brief")
struct SinceLastHeardTests {
    let heard = day("2026-10-01")
    let asOf = day("2026-11-26")

    @Test func aFactOnTheHearingDayIsNewTheDayBeforeIsNot() {
        #expect(!SinceLastHeard.counts(day("2026-09-30"), since: heard, asOf: asOf))
        #expect(SinceLastHeard.counts(heard, since: heard, asOf: asOf))
        #expect(SinceLastHeard.counts(day("2026-10-02"), since: heard, asOf: asOf))
        #expect(SinceLastHeard.counts(asOf, since: heard, asOf: asOf))
        #expect(!SinceLastHeard.counts(day("2026-11-27"), since: heard, asOf: asOf), "nothing after as-of")
    }

    func dossier() -> PersonDossier {
        PersonDossier(
            person: DossierPerson(id: 1, ref: "P-1", givenName: "Dean", familyName: "Walsh"),
            parties: [PartyRecord(id: 10, ref: "V-1", kind: "victim", givenName: "Amy", familyName: "Victim")],
            markers: [MarkerRecord(id: 1, kind: "weapons", recordedOn: day("2026-09-30")),
                      MarkerRecord(id: 2, kind: "threats", recordedOn: day("2026-10-01"))],
            incidents: [IncidentRecord(id: 1, partyId: 10, occurredOn: day("2026-09-30"), offence: "common_assault"),
                        IncidentRecord(id: 2, partyId: 10, occurredOn: day("2026-10-01"), offence: "common_assault"),
                        IncidentRecord(id: 3, partyId: 10, occurredOn: day("2026-10-02"), offence: "non_fatal_strangulation")],
            breaches: [BreachRecord(id: 1, occurredOn: day("2026-09-30"), actionTaken: "arrest"),
                       BreachRecord(id: 2, occurredOn: day("2026-10-02"), actionTaken: "none")],
            plan: DossierPlan(
                id: 5, spocLogin: "spoc", openedAt: Date(timeIntervalSince1970: 0),
                actions: [DossierAction(id: 1, heading: "prosecute", tactic: "arrest_charge", agency: "police", dueOn: day("2026-11-01")),
                          DossierAction(id: 2, heading: "disrupt", tactic: "anpr_flagging", agency: "police", dueOn: day("2026-12-20"),
                                        status: "in_progress"),
                          DossierAction(id: 3, heading: "manage", tactic: "matac_referral", agency: "police", dueOn: day("2026-12-20"))]))
    }

    @Test func theBriefHoldsWhatIsNewSinceTheHearingDayIncluded() {
        let events = SinceLastHeardEvents(
            reminders: [SinceReminder(kind: "new_incident", raisedOn: day("2026-09-30"), dueOn: day("2026-09-30"), message: "old"),
                        SinceReminder(kind: "new_incident", raisedOn: day("2026-10-02"), dueOn: day("2026-10-02"), message: "new")],
            actionsDone: [SinceActionDone(id: 9, tactic: "arrest_charge", tacticLabel: "arrest_charge", agency: "police",
                                          doneOn: day("2026-10-01"), outcome: "charged")],
            then: StoredScore(asOf: day("2026-09-01"), score: 20, band: "medium", rfg: 30),
            now: StoredScore(asOf: asOf, score: 35, band: "high", rfg: 26))
        let brief = SinceLastHeard(model: shippedModel).brief(dossier(), since: heard, basis: "last_hearing", asOf: asOf, events: events)
        #expect(brief.incidents.map(\.occurredOn) == [day("2026-10-02"), day("2026-10-01")], "newest first; the day before is not new")
        #expect(brief.breaches.map(\.id) == [2])
        #expect(brief.markers.map(\.kind) == ["threats"])
        #expect(brief.reminders.map(\.message) == ["new"])
        #expect(brief.actionsDone.map(\.tacticLabel) == ["Arrest and charge for a criminal offence"])
        #expect(brief.actionsOverdue.map(\.id) == [1])
        #expect(brief.actionsNotStarted.map(\.id) == [1, 3])
        #expect(brief.score?.scoreChange == 15)
        #expect(brief.score?.rfgChange == -4)
        #expect(!brief.isQuiet)
    }

    @Test func theDayAfterTheLastFactIsQuiet() {
        let brief = SinceLastHeard(model: shippedModel).brief(
            dossier(), since: day("2026-10-03"), basis: "given", asOf: day("2026-10-20"), events: SinceLastHeardEvents())
        #expect(brief.incidents.isEmpty && brief.breaches.isEmpty && brief.markers.isEmpty)
        #expect(brief.actionsOverdue.isEmpty, "nothing was due by 2026-10-20")
        #expect(brief.actionsNotStarted.map(\.id) == [1, 3])
        #expect(brief.score == nil)
    }

    @Test func cohortMembershipRunsFromEntryUpToTheExitDay() {
        let spell = CohortSpellRecord(enteredOn: day("2026-10-01"), exitedOn: day("2026-11-01"))
        #expect(!spell.isMember(on: day("2026-09-30")))
        #expect(spell.isMember(on: day("2026-10-01")))
        #expect(spell.isMember(on: day("2026-10-31")))
        #expect(!spell.isMember(on: day("2026-11-01")))
        #expect(CohortSpellRecord(enteredOn: day("2026-10-01")).isMember(on: day("2030-01-01")))
    }
}
