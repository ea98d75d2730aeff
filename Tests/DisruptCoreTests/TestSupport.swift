import Foundation
@testable import DisruptCore

/// Parses a date literal in tests (traps on a bad literal).
func day(_ iso: String) -> Day {
    guard let d = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

/// The repository's Config/ directory, found from this file's path (symlinks resolved).
let configDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Config")

func configData(_ name: String) throws -> Data {
    try Data(contentsOf: configDirectory.appendingPathComponent(name))
}

/// The shipped model, loaded once.
let shippedModel: RiskModel = {
    do {
        return try loadShippedModel()
    } catch {
        fatalError("shipped config does not load: \(error)")
    }
}()

func loadShippedModel() throws -> RiskModel {
    try RiskModel.load(
        triggers: configData("triggers.json"), rfg: configData("rfg.json"), markers: configData("markers.json"),
        offences: configData("offences.json"), tactics: configData("tactics.json"),
        catalogue: configData("catalogue.json"), settings: configData("disrupt.json"))
}

/// The standard as-of day for rule tests: windows of 12 months start after 2025-06-15.
let asOf = day("2026-06-15")

func marker(_ kind: String, _ recorded: String, expires: String? = nil, ref: String? = nil) -> MarkerFact {
    MarkerFact(ref: ref ?? "m-\(kind)-\(recorded)", kind: kind, recordedOn: day(recorded), expiresOn: expires.map(day))
}

func incident(_ on: String, offence: String? = nil, victim: String? = "v1", gravity: Int? = nil, ref: String? = nil)
    -> IncidentFact
{
    IncidentFact(
        ref: ref ?? "i-\(on)-\(victim ?? "none")", victimRef: victim, occurredOn: day(on), offence: offence,
        gravity: shippedModel.gravity(explicit: gravity, offence: offence))
}

func person(
    markers: [MarkerFact] = [], incidents: [IncidentFact] = [], breaches: [BreachFact] = [], orders: [OrderFact] = [],
    relationships: [RelationshipFact] = [], referrals: [MaracReferralFact] = []
) -> PersonFacts {
    PersonFacts(
        personRef: "p1", markers: markers, incidents: incidents, breaches: breaches, orders: orders,
        relationships: relationships, maracReferrals: referrals)
}

/// Codes of the triggers that fire for the facts as of the day.
func fired(_ facts: PersonFacts, asOf: Day = asOf, model: RiskModel = shippedModel) -> [String] {
    model.assess(facts, asOf: asOf).triggers.map(\.code)
}

func trigger(_ code: String, _ facts: PersonFacts, asOf: Day = asOf) -> FiredTrigger? {
    shippedModel.assess(facts, asOf: asOf).triggers.first { $0.code == code }
}

func weight(_ code: String) -> Int { shippedModel.triggers.rule(code)!.weight }
