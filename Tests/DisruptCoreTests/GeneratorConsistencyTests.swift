import Foundation
import Testing
@testable import DisruptCore

@Suite("Force generator consistency")
struct GeneratorConsistencyTests {
    static let asOf = ForceGenerator.defaultAsOf

    /// One generated force shared by the tests below (generated once, read once).
    static let force: (GeneratedForce, GeneratedCounts) = {
        let directory = generatorTemporaryDirectory("gen-consistency")
        defer { try? FileManager.default.removeItem(at: directory) }
        let counts = try! ForceGenerator(people: 2_000, seed: 2026).write(to: directory)
        return (try! GeneratedForce(directory: directory), counts)
    }()

    static func parseDay(_ text: String?) -> Day? {
        guard let text, !text.isEmpty else { return nil }
        let day = Day(iso: text)
        #expect(day != nil, "bad date \(text)")
        return day
    }

    @Test func countsMatchFiles() {
        let (force, counts) = Self.force
        for file in ForceFile.allCases { #expect(force[file].count == counts[file], "\(file)") }
        #expect(counts.people == 2_000)
    }

    @Test func everyReferenceResolves() {
        Self.checkReferences(Self.force.0)
        let pnc = Self.force.0[.people].compactMap { $0["pnc_id"] }.filter { !$0.isEmpty }
        #expect(Double(pnc.count) > 0.7 * Double(Self.force.0[.people].count))
    }

    static func checkReferences(_ force: GeneratedForce) {
        let people = Set(force[.people].map { $0["person_ref"]! })
        let parties = Set(force[.parties].map { $0["party_ref"]! })
        #expect(people.count == force[.people].count)
        #expect(parties.count == force[.parties].count)
        var partiesOf: [String: Set<String>] = [:]
        for row in force[.relationships] {
            #expect(people.contains(row["person_ref"]!))
            #expect(parties.contains(row["party_ref"]!))
            partiesOf[row["person_ref"]!, default: []].insert(row["party_ref"]!)
        }
        // Every party is related to someone.
        #expect(Set(partiesOf.values.flatMap { $0 }) == parties)
        let pnc = force[.people].compactMap { $0["pnc_id"] }.filter { !$0.isEmpty }
        #expect(Set(pnc).count == pnc.count)

        func ownParty(_ row: [String: String], _ column: String) {
            guard let party = row[column], !party.isEmpty else { return }
            #expect(partiesOf[row["person_ref"]!]?.contains(party) == true, "\(column) \(party)")
        }
        for file in [ForceFile.aliases, .incidents, .markers, .orders, .breaches, .links, .referrals] {
            for row in force[file] { #expect(people.contains(row["person_ref"]!)) }
        }
        for row in force[.incidents] { ownParty(row, "party_ref") }
        for row in force[.orders] { ownParty(row, "protected_party_ref") }
        for row in force[.referrals] { ownParty(row, "party_ref") }
        for file in [ForceFile.incidents, .markers, .orders, .breaches, .links, .referrals] {
            let refs = force[file].map { $0["source_ref"]! }
            #expect(Set(refs).count == refs.count, "duplicate source_ref in \(file)")
        }
    }

    @Test func datesAreOrderedAndInTheWindow() {
        Self.checkDates(Self.force.0, asOf: Self.asOf)
    }

    static func checkDates(_ force: GeneratedForce, asOf: Day) {
        let earliest = asOf.adding(days: -(6 * 365 + 1))
        for row in force[.incidents] {
            let d = parseDay(row["occurred_on"])!
            #expect(d >= earliest && d <= asOf)
        }
        for row in force[.relationships] {
            if let to = parseDay(row["to"]) { #expect(to > parseDay(row["from"])!) }
            let isChild = row["relationship"] == "child" || row["relationship"] == "step_child"
            #expect(isChild == (row["has_contact"] == "true" || row["has_contact"] == "false"))
        }
        for row in force[.markers] {
            let recorded = parseDay(row["recorded_on"])!
            #expect(recorded <= asOf)
            if let expires = parseDay(row["expires_on"]) { #expect(expires > recorded) }
        }
        var orders: [String: [String: String]] = [:]
        for row in force[.orders] {
            let start = parseDay(row["starts_on"])!, end = parseDay(row["ends_on"])!
            #expect(end > start && start <= asOf)
            if row["order_type"] == "dvpn" { #expect(end == start.adding(days: 2)) }
            if row["order_type"] == "dvpo" { #expect((14...28).contains(end.days(since: start))) }
            orders[row["source_ref"]!] = row
        }
        for row in force[.breaches] {
            let occurred = parseDay(row["occurred_on"])!, reported = parseDay(row["reported_on"])!
            #expect(reported >= occurred && reported <= asOf)
            guard let orderRef = row["order_ref"], !orderRef.isEmpty else { continue }
            let order = orders[orderRef]
            #expect(order?["person_ref"] == row["person_ref"])
            if let order {
                #expect(occurred >= parseDay(order["starts_on"])! && occurred <= parseDay(order["ends_on"])!)
            }
        }
        for row in force[.links] {
            let start = parseDay(row["starts_on"])!
            if let end = parseDay(row["ends_on"]) { #expect(end > start) }
            #expect((row["status"] == "closed") == (parseDay(row["ends_on"]) != nil))
            let isMappa = row["forum"] == "mappa"
            #expect(isMappa == !(row["mappa_category"]!.isEmpty))
            #expect(isMappa == !(row["mappa_level"]!.isEmpty))
            #expect((row["forum"] == "iom") == !(row["iom_cohort"]!.isEmpty))
        }
    }

    @Test func referralsFollowTheRepeatRule() {
        Self.checkReferrals(Self.force.0)
        #expect(Self.force.0[.referrals].contains { $0["criterion"] == "repeat" })
    }

    static func checkReferrals(_ force: GeneratedForce) {
        var byVictim: [String: [Day]] = [:]
        for row in force[.referrals] {
            let score = Int(row["dash_score"]!)!
            #expect((0...27).contains(score))
            if row["criterion"] == "visible_high_risk" { #expect(score >= 14) }
            let d = parseDay(row["referred_on"])!
            if row["criterion"] == "repeat" {
                let previous = byVictim[row["party_ref"]!] ?? []
                #expect(previous.contains { d > $0 && d <= $0.adding(months: 12) })
            }
            byVictim[row["party_ref"]!, default: []].append(d)
        }
    }

    @Test func shapeIsSkewed() {
        let (force, counts) = Self.force
        var incidentsPerPerson: [String: Int] = [:]
        var victimsPerPerson: [String: Set<String>] = [:]
        for row in force[.incidents] {
            incidentsPerPerson[row["person_ref"]!, default: 0] += 1
            if let party = row["party_ref"], !party.isEmpty { victimsPerPerson[row["person_ref"]!, default: []].insert(party) }
        }
        let sorted = incidentsPerPerson.values.sorted()
        let median = sorted[sorted.count / 2]
        #expect(median <= 3)
        #expect(sorted.last! >= 25)
        let multiVictim = victimsPerPerson.values.filter { $0.count >= 2 }.count
        #expect(multiVictim >= 40)
        let average = Double(counts.incidents + counts.markers) / Double(counts.people)
        #expect(average > 7 && average < 13)
        #expect(force[.links].contains { $0["forum"] == "matac" })
        #expect(force[.links].contains { $0["forum"] == "mappa" })
        #expect(force[.aliases].count > 20)
        // An alias's natural key is (person, name, date of birth): no duplicates, or imports reject rows.
        let aliasKeys = force[.aliases].map { "\($0["person_ref"] ?? "")|\($0["alias_name"] ?? "")|\($0["date_of_birth"] ?? "")" }
        #expect(Set(aliasKeys).count == aliasKeys.count)
        let restricted = force[.markers].filter { $0["sensitivity"] == "restricted" }
        #expect(restricted.count > 0)
        #expect(force[.markers].contains { ($0["note"] ?? "").contains("\"") })
    }
}

@Suite("Config/samples import files")
struct GeneratorSampleTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/samples")

    @Test func samplesAreConsistent() throws {
        let force = try GeneratedForce(directory: Self.samples)
        for file in ForceFile.allCases { #expect(!force[file].isEmpty, "\(file.fileName) is empty") }
        GeneratorConsistencyTests.checkReferences(force)
        GeneratorConsistencyTests.checkDates(force, asOf: ForceGenerator.defaultAsOf)
        GeneratorConsistencyTests.checkReferrals(force)
        #expect(force[.aliases].contains { $0["alias_name"]!.contains("\"") })
        #expect(force[.orders].contains { $0["conditions"]!.contains(",") })
    }
}
