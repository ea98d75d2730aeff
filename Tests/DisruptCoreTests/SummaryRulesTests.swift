import Testing
@testable import DisruptCore

@Suite("Summary rules: windows, in force, missing, warnings")
struct SummaryRulesTests {
    let asOf = day("2026-11-26")

    func dossier(
        markers: [MarkerRecord] = [], incidents: [IncidentRecord] = [], orders: [OrderRecord] = [],
        breaches: [BreachRecord] = [], relationships: [RelationshipRecord] = [], plan: DossierPlan? = nil,
        withheld: [WithheldCount] = []
    ) -> PersonDossier {
        PersonDossier(
            person: DossierPerson(id: 1, ref: "P-1", givenName: "Dean", familyName: "Walsh"),
            parties: [PartyRecord(id: 10, ref: "V-1", kind: "victim", givenName: "Amy", familyName: "Victim"),
                      PartyRecord(id: 11, ref: "V-2", kind: "victim", givenName: "Beth", familyName: "Victim")],
            markers: markers, incidents: incidents, orders: orders, breaches: breaches, relationships: relationships,
            plan: plan, withheld: withheld)
    }

    @Test func theWindowExcludesItsStartAndIncludesAsOf() {
        #expect(SummaryRules.windowStart(asOf: asOf) == day("2024-11-26"))
        #expect(!SummaryRules.isInWindow(day("2024-11-26"), asOf: asOf))
        #expect(SummaryRules.isInWindow(day("2024-11-27"), asOf: asOf))
        #expect(SummaryRules.isInWindow(asOf, asOf: asOf))
        #expect(!SummaryRules.isInWindow(day("2026-11-27"), asOf: asOf))
    }

    @Test func monthsRunFromTheWindowStartToAsOf() {
        let months = SummaryRules.months(asOf: asOf)
        #expect(months.first == "2024-11")
        #expect(months.last == "2026-11")
        #expect(months.count == 25)
        #expect(months.contains("2025-12") && months.contains("2026-01"))
    }

    @Test func ordersAreInForceFromStartThroughEnd() {
        let order = OrderRecord(id: 1, orderType: "restraining", startsOn: day("2026-01-01"), endsOn: day("2026-11-26"))
        #expect(order.isInForce(on: day("2026-11-26")))
        #expect(!order.isInForce(on: day("2026-11-27")))
        #expect(!order.isInForce(on: day("2025-12-31")))
        #expect(OrderRecord(id: 2, orderType: "bail", startsOn: day("2026-01-01")).isInForce(on: day("2030-01-01")))
    }

    @Test func overdueMeansLiveAndDueBeforeAsOf() {
        #expect(ActionStatus.open.isOverdue(dueOn: day("2026-11-25"), asOf: asOf))
        #expect(ActionStatus.blocked.isOverdue(dueOn: day("2026-11-25"), asOf: asOf))
        #expect(!ActionStatus.open.isOverdue(dueOn: asOf, asOf: asOf))
        #expect(!ActionStatus.done.isOverdue(dueOn: day("2026-01-01"), asOf: asOf))
        #expect(!ActionStatus.cancelled.isOverdue(dueOn: day("2026-01-01"), asOf: asOf))
    }

    @Test func everythingIsMissingFromAnEmptyDossier() {
        let missing = SummaryRules.missing(dossier(), asOf: asOf).map(\.code)
        #expect(missing == ["vehicles_premises", "mental_health", "substance_misuse", "employment_skills", "children"])
        let warnings = SummaryRules.warnings(plan: nil, missing: SummaryRules.missing(dossier(), asOf: asOf))
        #expect(warnings == [
            "No open disruption plan: no SPOC is tasked with this perpetrator.",
            "No mental health information has been shared.",
            "No substance misuse information has been shared.",
        ])
    }

    @Test func sharedInformationIsNotMissingButExpiredMarkersAre() {
        let markers = [
            MarkerRecord(id: 1, kind: "access_vehicles", recordedOn: day("2026-01-01")),
            MarkerRecord(id: 2, kind: "housing_note_any", recordedOn: day("2026-01-01"), agency: "substance_misuse"),
            MarkerRecord(id: 3, kind: "mental_ill_health", recordedOn: day("2025-01-01"), expiresOn: day("2025-12-31")),
            MarkerRecord(id: 4, kind: "employment_skills", recordedOn: day("2026-12-01")),
        ]
        let relationships = [RelationshipRecord(id: 1, partyId: 12, relationship: "step_child")]
        let missing = SummaryRules.missing(dossier(markers: markers, relationships: relationships), asOf: asOf).map(\.code)
        #expect(missing == ["mental_health", "employment_skills"])
    }

    @Test func theBuilderWindowsBreachesAndIncidentsAndCountsVictims() {
        let built = SummaryBuilder(model: shippedModel).build(dossier(
            incidents: [
                IncidentRecord(id: 1, partyId: 10, occurredOn: day("2026-10-01"), offence: "abh"),
                IncidentRecord(id: 2, partyId: 11, occurredOn: day("2026-10-20")),
                IncidentRecord(id: 3, partyId: 10, occurredOn: day("2024-11-26"), offence: "abh"),
                IncidentRecord(id: 4, partyId: 10, occurredOn: day("2026-12-01")),
            ],
            orders: [OrderRecord(id: 5, orderType: "restraining", startsOn: day("2026-01-01"), endsOn: day("2026-11-25")),
                     OrderRecord(id: 6, orderType: "dvpo", startsOn: day("2026-11-01"), endsOn: day("2026-11-26"))],
            breaches: [BreachRecord(id: 7, orderId: 5, occurredOn: day("2026-06-01"), actionTaken: "arrest"),
                       BreachRecord(id: 8, occurredOn: day("2024-11-26"), actionTaken: "none"),
                       BreachRecord(id: 9, orderId: 99, occurredOn: day("2026-07-01"))]),
            asOf: asOf)
        #expect(built.incidents.total == 2)
        #expect(built.incidents.distinctVictims == 2)
        #expect(built.incidents.recent.map(\.id) == [2, 1])
        #expect(built.incidents.byMonth.first { $0.month == "2026-10" }?.count == 2)
        #expect(built.orders.inForce.map(\.type) == ["dvpo"])
        #expect(built.orders.inWindow.map(\.type) == ["restraining", "dvpo"])
        #expect(built.orders.breaches.map(\.id) == [9, 7])
        #expect(built.orders.breaches.map(\.order) == ["an order not shared with you", "Restraining order"])
        #expect(built.orders.breaches.map(\.actionTaken) == ["not_recorded", "arrest"])
        #expect(built.orders.breaches.map(\.positiveAction) == [false, true])
    }

    @Test func emptySectionsAreSkippedButAMissingPlanIsShownAsAWarning() {
        let built = SummaryBuilder(model: shippedModel).build(dossier(), asOf: asOf)
        #expect(built.sections == [.identity, .risk, .plan, .missing])
        #expect(built.plan == nil)
        #expect(built.warnings.first == "No open disruption plan: no SPOC is tasked with this perpetrator.")
    }

    @Test func risksComeFromActiveMarkersAndWeaponOffences() {
        let built = SummaryBuilder(model: shippedModel).build(dossier(
            markers: [MarkerRecord(id: 1, kind: "firearms_access", recordedOn: day("2026-02-01")),
                      MarkerRecord(id: 2, kind: "weapons", recordedOn: day("2020-01-01"), expiresOn: day("2021-01-01")),
                      MarkerRecord(id: 3, kind: "threats", recordedOn: day("2026-02-01"))],
            incidents: [IncidentRecord(id: 4, occurredOn: day("2019-05-01"), offence: "weapon_possession"),
                        IncidentRecord(id: 5, occurredOn: day("2026-05-01"), offence: "abh")]),
            asOf: asOf)
        #expect(built.risksToProfessionals.map(\.code) == ["firearms_access", "weapon_possession"])
        #expect(built.sections.first == .risks)
    }

    @Test func theTrendEvaluatesTheSameFactsOnEarlierDays() {
        let built = SummaryBuilder(model: shippedModel).build(dossier(
            incidents: [IncidentRecord(id: 1, partyId: 10, occurredOn: day("2026-10-01"), offence: "abh"),
                        IncidentRecord(id: 2, partyId: 11, occurredOn: day("2026-10-20"), offence: "abh")]),
            asOf: asOf)
        #expect(built.risk.trend.map(\.point) == ["now", "3_months_ago", "12_months_ago"])
        #expect(built.risk.trend.map(\.asOf) == [asOf, day("2026-08-26"), day("2025-11-26")])
        #expect(built.risk.trend[0].score == built.risk.score)
        #expect(built.risk.score > 0)
        #expect(built.risk.trend[1].score == 0 && built.risk.trend[2].score == 0)
        #expect(built.flags.serial)
    }

    @Test func withheldRecordsAreGroupedByAgency() {
        let built = SummaryBuilder(model: shippedModel).build(dossier(withheld: [
            WithheldCount(agency: "health", recordTable: "marker", count: 1),
            WithheldCount(agency: "health", recordTable: "incident", count: 2),
            WithheldCount(agency: "housing", recordTable: "marker", count: 1),
        ]), asOf: asOf)
        #expect(built.withheld.map(\.agency) == ["health", "housing"])
        #expect(built.withheld.map(\.count) == [3, 1])
        #expect(built.withheld[0].tables == ["incident", "marker"])
        #expect(built.withheld[0].sentence == "3 records withheld (health)")
        #expect(built.withheld[1].sentence == "1 record withheld (housing)")
    }
}
