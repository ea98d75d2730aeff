import Foundation
import Testing
@testable import DisruptCore

/// Coercive-control escalation, threats, self-harm and offending on bail / RUI / licence, as
/// the guidance's trigger list reads.
@Suite struct EscalationRuleTests {
    @Test func twoCriminalDamageIncidentsAreNotEscalatingCoerciveControl() {
        let damage = [incident("2026-02-01", offence: "criminal_damage"), incident("2026-04-01", offence: "criminal_damage")]
        #expect(!fired(person(incidents: damage)).contains("coercive_control_escalating"))
    }

    @Test func moreCoerciveControlInTheLastSixMonthsThanTheSixBefore() throws {
        // As of 2026-06-15 the recent half is after 2025-12-15; the half before is after 2025-06-15.
        let before = incident("2025-12-15", offence: "coercive_control", ref: "cc-before")
        let recent = incident("2026-03-01", offence: "coercive_control", ref: "cc-recent")
        #expect(!fired(person(incidents: [before, recent])).contains("coercive_control_escalating"))
        let dayAfter = incident("2025-12-16", offence: "coercive_control", ref: "cc-day-after")
        let rising = try #require(trigger("coercive_control_escalating", person(incidents: [dayAfter, recent])))
        #expect(rising.reason == "2 coercive control incidents in the last 6 months against 0 in the 6 months before")
        #expect(fired(person(incidents: [recent])).contains("coercive_control_escalating"))
    }

    @Test func oneCoerciveControlEventRecordedThriceIsNotMore() {
        let before = incident("2025-10-01", offence: "coercive_control", ref: "cc-0")
        let recorded = ["pol", "hosp", "idva"].map {
            IncidentFact(
                ref: "cc-\($0)", victimRef: "v1", occurredOn: day("2026-04-01"), offence: "coercive_control",
                gravity: 6, agency: $0 == "pol" ? .police : $0 == "hosp" ? .health : .idva)
        }
        #expect(!fired(person(incidents: [before] + recorded)).contains("coercive_control_escalating"))
    }

    @Test func threatOffencesCountAsThreatsForTwelveMonths() {
        #expect(fired(person(incidents: [incident("2025-06-16", offence: "malicious_communications")])).contains("threats"))
        #expect(!fired(person(incidents: [incident("2025-06-15", offence: "malicious_communications")])).contains("threats"))
    }

    @Test func anActiveSelfHarmMarkerCountsHoweverOld() {
        #expect(fired(person(markers: [marker("self_harm_suicide", "2024-01-01")])) == ["self_harm_suicide"])
        #expect(fired(person(markers: [marker("self_harm_suicide", "2024-01-01", expires: "2026-06-14")])) == [])
    }

    @Test func offendingWhileOnBailCountsFromStartToEndDay() throws {
        let bail = OrderFact(ref: "bail-1", type: "bail", startsOn: day("2026-01-01"), endsOn: day("2026-03-31"))
        func onBail(_ on: String) -> FiredTrigger? {
            trigger("breach_history", person(incidents: [incident(on, ref: "i-\(on)")], orders: [bail]))
        }
        #expect(onBail("2025-12-31") == nil)
        #expect(onBail("2026-01-01") != nil)
        let lastDay = try #require(onBail("2026-03-31"))
        #expect(lastDay.reason == "1 incident while on bail, RUI or licence in the last 24 months, most recent 2026-03-31")
        #expect(lastDay.weight == 5)
        #expect(onBail("2026-04-01") == nil)
        // Released under investigation with no end date: still released.
        let rui = OrderFact(ref: "rui-1", type: "rui", startsOn: day("2025-11-01"))
        #expect(trigger("breach_history", person(incidents: [incident("2026-06-01")], orders: [rui])) != nil)
    }

    @Test func aBreachRecordedForTheSameOffendingIsNotCountedTwice() throws {
        let licence = OrderFact(ref: "lic-1", type: "licence", startsOn: day("2025-01-01"), endsOn: day("2027-01-01"))
        let breach = BreachFact(ref: "b1", occurredOn: day("2026-02-01"), orderType: "licence", actionTaken: .recall)
        let t = try #require(trigger(
            "breach_history", person(incidents: [incident("2026-02-01"), incident("2026-03-01")], breaches: [breach], orders: [licence])))
        #expect(t.weight == 7)
        #expect(t.reason == "1 breach and 1 incident while on bail, RUI or licence in the last 24 months, most recent 2026-03-01; positive action on every breach")
    }

    @Test func everyBreachWithoutPositiveActionIsNamed() throws {
        let breaches = [
            BreachFact(ref: "b1", occurredOn: day("2025-09-01"), actionTaken: .none),
            BreachFact(ref: "b2", occurredOn: day("2026-02-01"), actionTaken: .warning),
            BreachFact(ref: "b3", occurredOn: day("2026-03-01"), actionTaken: .caution),
            BreachFact(ref: "b4", occurredOn: day("2026-05-01"), actionTaken: .summons),
        ]
        let t = try #require(trigger("breach_history", person(breaches: breaches)))
        #expect(t.reason == "4 breaches in the last 24 months, most recent 2026-05-01; no positive action on the breaches of "
            + "2026-03-01 (caution), 2026-02-01 (warning), 2025-09-01 (none recorded)")
    }

    @Test func positiveActionIsArrestChargeSummonsOrRecallByDefault() throws {
        let config = shippedModel.triggers
        #expect(BreachAction.allCases.filter(config.isPositive) == [.arrest, .charge, .summons, .recall])
        var file = try String(decoding: configData("triggers.json"), as: UTF8.self)
        file = file.replacingOccurrences(
            of: #""positive_actions": ["arrest", "charge", "summons", "recall"]"#, with: #""positive_actions": ["arrest", "caution"]"#)
        let local = try TriggerConfiguration.decode(Data(file.utf8))
        #expect(local.isPositive(.caution) && !local.isPositive(.summons))
        let bad = file.replacingOccurrences(of: #"["arrest", "caution"]"#, with: #"["arrest", "telling_off"]"#)
        #expect(throws: ConfigurationError.self) { try TriggerConfiguration.decode(Data(bad.utf8)) }
    }
}
