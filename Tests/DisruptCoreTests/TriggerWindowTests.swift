import Testing
@testable import DisruptCore

/// Every windowed trigger at its edges, with as-of 2026-06-15: "in the last N months" is
/// after 2026-06-15 minus N months and on or before 2026-06-15.
@Suite struct TriggerWindowTests {
    @Test func windowDefinition() {
        let w = Window.months(12)
        #expect(w.contains(day("2025-06-16"), asOf: asOf))
        #expect(!w.contains(day("2025-06-15"), asOf: asOf))
        #expect(w.contains(asOf, asOf: asOf))
        #expect(!w.contains(day("2026-06-16"), asOf: asOf))
        #expect(Window.days(30).contains(day("2026-05-17"), asOf: asOf))
        #expect(!Window.days(30).contains(day("2026-05-16"), asOf: asOf))
    }

    /// Any active marker, however old (it used to be only markers recorded in the last 12 months).
    @Test func selfHarmWhileActive() {
        #expect(fired(person(markers: [marker("self_harm_suicide", "2025-06-16")])) == ["self_harm_suicide"])
        #expect(fired(person(markers: [marker("self_harm_suicide", "2025-06-15")])) == ["self_harm_suicide"])
        #expect(fired(person(markers: [marker("self_harm_suicide", "2025-06-15", expires: "2026-06-14")])) == [])
    }

    @Test func threatsTwelveMonths() {
        #expect(fired(person(markers: [marker("threats", "2025-06-16")])) == ["threats"])
        #expect(fired(person(markers: [marker("threats", "2025-06-15")])) == [])
        // A threats-to-kill marker also counts as threats (and fires threats_to_kill, which is "ever").
        #expect(fired(person(markers: [marker("threats_to_kill", "2025-06-16")])) == ["threats", "threats_to_kill"])
        #expect(fired(person(markers: [marker("threats_to_kill", "2025-06-15")])) == ["threats_to_kill"])
    }

    @Test func breachHistoryTwentyFourMonths() {
        let inside = BreachFact(ref: "b1", occurredOn: day("2024-06-16"), orderType: "dvpo", actionTaken: .arrest)
        let outside = BreachFact(ref: "b0", occurredOn: day("2024-06-15"), orderType: "dvpo", actionTaken: .arrest)
        #expect(fired(person(breaches: [inside])) == ["breach_history"])
        #expect(fired(person(breaches: [outside])) == [])
        // Offending on bail / RUI (no order type) counts too.
        #expect(fired(person(breaches: [BreachFact(ref: "b2", occurredOn: day("2026-01-01"))])) == ["breach_history"])
    }

    @Test func stalkingByMarkerOffenceOrOrder() {
        #expect(fired(person(markers: [marker("stalking_harassment", "2024-06-16")])) == ["stalking_harassment"])
        #expect(fired(person(markers: [marker("stalking_harassment", "2024-06-15")])) == [])
        #expect(fired(person(incidents: [incident("2024-06-16", offence: "harassment")])) == ["stalking_harassment"])
        #expect(fired(person(incidents: [incident("2024-06-15", offence: "stalking")])) == [])
        // An order counts if in force at some time in the window.
        let endedInside = OrderFact(ref: "o1", type: "spo", startsOn: day("2022-01-01"), endsOn: day("2024-06-16"))
        let endedOutside = OrderFact(ref: "o2", type: "spo", startsOn: day("2022-01-01"), endsOn: day("2024-06-15"))
        let future = OrderFact(ref: "o3", type: "interim_spo", startsOn: day("2026-06-16"))
        #expect(fired(person(orders: [endedInside])) == ["stalking_harassment"])
        #expect(fired(person(orders: [endedOutside])) == [])
        #expect(fired(person(orders: [future])) == [])
        #expect(fired(person(orders: [OrderFact(ref: "o4", type: "dvpo", startsOn: day("2026-01-01"))])) == [])
    }

    @Test func weaponsEverWithRecentWeight() throws {
        let recent = try #require(trigger("weapons", person(markers: [marker("weapons", "2025-06-16")])))
        #expect(recent.weight == shippedModel.triggers.rule("weapons")!.recentWeight)
        let old = try #require(trigger("weapons", person(markers: [marker("weapons", "2025-06-15")])))
        #expect(old.weight == weight("weapons"))
        let ancient = try #require(trigger("weapons", person(incidents: [incident("2001-01-01", offence: "assault_with_weapon")])))
        #expect(ancient.weight == weight("weapons"))
        #expect(ancient.evidence == [Evidence(kind: .incident, ref: "i-2001-01-01-v1", on: day("2001-01-01"))])
        #expect(fired(person(markers: [marker("firearms_access", "2010-01-01")])) == ["weapons"])
        #expect(fired(person(incidents: [incident("2026-06-16", offence: "weapon_possession")])) == [])
    }

    @Test func serialTwoVictimsInThreeYears() throws {
        let inside = person(incidents: [incident("2023-06-16", victim: "v1"), incident("2026-01-01", victim: "v2")])
        let outside = person(incidents: [incident("2023-06-15", victim: "v1"), incident("2026-01-01", victim: "v2")])
        let sameVictim = person(incidents: [incident("2025-01-01", victim: "v1"), incident("2026-01-01", victim: "v1")])
        let unknownVictim = person(incidents: [incident("2025-01-01", victim: nil), incident("2026-01-01", victim: "v1")])
        let serial = try #require(trigger("serial_perpetrator", inside))
        #expect(serial.reason == "incidents against 2 different victims aged 16 or over in the last 36 months, most recent 2026-01-01")
        #expect(serial.evidence.map(\.ref) == ["i-2026-01-01-v2", "i-2023-06-16-v1"])
        #expect(shippedModel.assess(inside, asOf: asOf).flags.serial)
        #expect(trigger("serial_perpetrator", outside) == nil)
        #expect(!shippedModel.assess(outside, asOf: asOf).flags.serial)
        #expect(trigger("serial_perpetrator", sameVictim) == nil)
        #expect(trigger("serial_perpetrator", unknownVictim) == nil)
        // The police flag is enough on its own, while active.
        #expect(fired(person(markers: [marker("serial_perpetrator", "2015-01-01")])) == ["serial_perpetrator"])
        #expect(fired(person(markers: [marker("serial_perpetrator", "2015-01-01", expires: "2026-06-14")])) == [])
    }

    @Test func escalationThreeInTwelveMonths() throws {
        let three = ["2025-06-16", "2026-01-01", "2026-06-15"].map { incident($0) }
        let threeOneOut = ["2025-06-15", "2026-01-01", "2026-06-15"].map { incident($0) }
        let result = shippedModel.assess(person(incidents: three), asOf: asOf)
        #expect(result.triggers.map(\.code).contains("escalation"))
        #expect(result.flags.escalating)
        #expect(result.triggers.first { $0.code == "escalation" }?.reason
            == "3 incidents in the last 12 months, most recent 2026-06-15")
        let other = shippedModel.assess(person(incidents: threeOneOut), asOf: asOf)
        #expect(!other.triggers.map(\.code).contains("escalation"))
        #expect(!other.flags.escalating)
    }

    /// Coercive-control incidents only (offences tagged `coercive_control`): any other incidents
    /// used to count, so two criminal-damage incidents made "escalating coercive control".
    @Test func coerciveControlRising() {
        // Recent half: after 2025-12-15; previous half: after 2025-06-15 up to 2025-12-15.
        let cc = { (on: String) in incident(on, offence: "coercive_control") }
        let rising = ["2025-12-16", "2026-03-01"].map(cc) + [cc("2025-12-15")]
        #expect(fired(person(incidents: rising)).contains("coercive_control_escalating"))
        // Two recent, two before: not more.
        let flat = ["2025-12-16", "2026-03-01", "2025-12-15", "2025-06-16"].map(cc)
        #expect(!fired(person(incidents: flat)).contains("coercive_control_escalating"))
        // Incidents before the comparison period do not count against.
        let older = ["2025-12-16", "2026-03-01", "2025-12-15", "2025-06-15"].map(cc)
        #expect(fired(person(incidents: older)).contains("coercive_control_escalating"))
        // Other offences never count.
        #expect(!fired(person(incidents: ["2025-12-16", "2026-03-01"].map { incident($0) })).contains("coercive_control_escalating"))
        // The marker fires on its own while active.
        #expect(fired(person(markers: [marker("extreme_coercive_control", "2019-01-01")])) == ["coercive_control_escalating"])
    }
}
