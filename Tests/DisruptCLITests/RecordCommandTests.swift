import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The record's entry, show, find and merge commands end to end (the real binary).
@Suite("disrupt person / record entry (the real binary)")
struct RecordCommandTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("record")
        for kind in ImportKind.allCases {
            let path = ImportCommandTests.samples.appendingPathComponent("\(kind.rawValue).csv").path
            let result = try DisruptBinary.run(["import", kind.rawValue, path], databaseURL: location.testURL)
            guard result.status == 0 else { throw StoreError(.failure, "sample \(kind) did not import: \(result.stderr)") }
        }
    }

    func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.testURL)
    }

    func scalar(_ sql: PostgresQuery) throws -> Int {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        return try db.query(sql)[0].decode(0, as: Int.self)
    }

    @Test func personAddGeneratesAReferenceAndRefusesDuplicates() throws {
        let added = try run(["person", "add", "--family-name", "Quill", "--given-name", "Zoë", "--dob", "1990-01-02", "--gender", "female"])
        #expect(added.status == 0, "\(added.stderr)")
        // a random reference, not a count of the records (issue 12: a counter revealed hidden rows)
        #expect(added.stdout.range(of: #"^P-[2-9A-HJKMNP-Z]{8}\n$"#, options: .regularExpression) != nil, "\(added.stdout)")
        #expect(try run(["person", "add", "--ref", "P-000001", "--family-name", "X"]).status == 5)
        #expect(try run(["person", "add", "--family-name", "X", "--pnc", "08/417263T"]).status == 5)
        #expect(try run(["person", "add", "--family-name", "X", "--dob", "1990-02-30"]).status == 2)
        let gender = try run(["person", "add", "--family-name", "X", "--gender", "bloke"])
        #expect(gender.status == 1)
        #expect(gender.stderr.contains("Valid codes: male, female, other, unknown"))
    }

    @Test func findIgnoresCaseAndAccentsAndRanksExactFirst() throws {
        _ = try run(["person", "add", "--ref", "P-ZOE", "--family-name", "Quill", "--given-name", "Zoë"])
        _ = try run(["person", "add", "--ref", "P-ZOEY", "--family-name", "Zoeyfield"])
        let result = try run(["person", "find", "ZOE", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try DisruptBinary.json(result) as? [[String: Any]] ?? []
        #expect(hits.map { $0["person_ref"] as? String } == ["P-ZOE", "P-ZOEY"])
        #expect(hits.first?["given_name"] as? String == "Zoë")
        let byAlias = try DisruptBinary.json(try run(["person", "find", "cory blackthorn", "--format", "json"])) as? [[String: Any]]
        #expect(byAlias?.first?["person_ref"] as? String == "P-000003")
        let byPNC = try DisruptBinary.json(try run(["person", "find", "08/417263T", "--format", "json"])) as? [[String: Any]]
        #expect(byPNC?.first?["matched"] as? String == "pnc")
        #expect(try run(["person", "find", "nobody-like-this"]).status == 3)
    }

    @Test func showReturnsEverySectionAndLogsTheConsultation() throws {
        let result = try run(["person", "show", "P-000003", "--format", "json", "--purpose", "Marac prep"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try DisruptBinary.json(result) as? [String: Any] ?? [:]
        #expect((json["person"] as? [String: Any])?["date_of_birth"] as? String == "1982-12-30")
        let counts = ["aliases": 2, "relationships": 4, "incidents": 7, "markers": 5, "orders": 4, "breaches": 3, "links": 4, "referrals": 4]
        for (section, count) in counts {
            #expect((json[section] as? [Any])?.count == count, "\(section)")
        }
        let breach = (json["breaches"] as? [[String: Any]])?.first
        #expect(breach?["order_ref"] as? String == "O-000003")
        // added keys: the parties named by the record and what other agencies withheld
        #expect((json["parties"] as? [[String: Any]])?.isEmpty == false)
        #expect((json["withheld"] as? [Any])?.isEmpty == true)
        let relationship = (json["relationships"] as? [[String: Any]])?.first
        #expect(relationship?["party_ref"] is String && relationship?["party_kind"] is String)
        #expect(relationship?.keys.contains("has_contact") == true && relationship?.keys.contains("to_on") == true)
        let incident = (json["incidents"] as? [[String: Any]])?.first
        #expect(incident?["gravity"] is Int && incident?.keys.contains("note") == true)
        #expect(try scalar("SELECT count(*)::int FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = 'Marac prep'") == 1)
        let text = try run(["person", "show", "Corvin Blackthorn"])
        #expect(text.stdout.hasPrefix("Corvin Blackthorn (P-000003)"))
        #expect(text.stdout.contains("MARKERS (5)"))
        #expect(try run(["person", "show", "P-404"]).status == 3)
    }

    /// `marker end` and `link update` change a stored record, which staff may not UPDATE by hand:
    /// they go through disrupt.marker_end and disrupt.link_update, as the login that runs them.
    /// Her own agency's record changes; another agency's is "not found" (exit 3) and unchanged.
    @Test func staffEndAndUpdateOnlyTheirOwnAgencysRecords() throws {
        let token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        let police = "pol_\(token)", probation = "prob_\(token)"
        #expect(try self.run(["staff", "add", police, "--name", "Pat Police", "--agency", "police", "--role", "rep"]).status == 0)
        #expect(try self.run(["staff", "add", probation, "--name", "Pam Probation", "--agency", "probation", "--role", "rep"]).status == 0)
        func staffRun(_ arguments: [String], as login: String) throws -> DisruptBinary.Result {
            try DisruptBinary.run(arguments, databaseURL: location.asUser(login).testURL)
        }
        let added = try staffRun(["marker", "add", "P-000001", "--kind", "weapons", "--on", "2026-09-02"], as: police)
        let marker = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(added.status == 0, "\(added.stderr)")
        let linked = try staffRun(["link", "add", "P-000001", "--forum", "iom", "--status", "active", "--starts", "2026-09-01"], as: police)
        let link = linked.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(linked.status == 0, "\(linked.stderr)")

        let othersEnd = try staffRun(["marker", "end", marker, "--on", "2026-10-01"], as: probation)
        #expect(othersEnd.status == 3 && othersEnd.stderr.contains("no marker with reference"), "\(othersEnd.stderr)")
        let othersUpdate = try staffRun(["link", "update", link, "--status", "closed"], as: probation)
        #expect(othersUpdate.status == 3, "\(othersUpdate.stderr)")
        #expect(try scalar("SELECT count(*)::int FROM disrupt.marker WHERE source_ref = \(marker) AND expires_on IS NULL") == 1)

        let ownEnd = try staffRun(["marker", "end", marker, "--on", "2026-10-01"], as: police)
        #expect(ownEnd.status == 0, "\(ownEnd.stderr)")
        let ownUpdate = try staffRun(["link", "update", link, "--status", "closed", "--next-review", "2026-12-01"], as: police)
        #expect(ownUpdate.status == 0, "\(ownUpdate.stderr)")
        #expect(try scalar("""
            SELECT count(*)::int FROM disrupt.marker WHERE source_ref = \(marker) AND expires_on = '2026-10-01' AND updated_by = \(police)
            """) == 1)
        #expect(try scalar("""
            SELECT count(*)::int FROM disrupt.forum_link WHERE source_ref = \(link) AND status = 'closed'
               AND next_review_on = '2026-12-01' AND updated_by = \(police)
            """) == 1)
        // a MAPPA level on an IOM link is refused by the database as well as by the command
        let staff = try PostgresConnection(location.asUser(police).configuration)
        defer { staff.close() }
        try Consultation(purpose: "record command test", scope: "test").open(on: staff)
        // (the link's id as `link update` finds it: staff read no record table, reading.sql)
        #expect(sqlState { _ = try staff.query("SELECT id FROM disrupt.forum_link WHERE source_ref = \(link)") } == "42501")
        let id: Int64 = try staff.query("SELECT id FROM disrupt.link_to_change(\(link))")[0].decode("id")
        var refusal: String?
        do { _ = try staff.query("SELECT disrupt.link_update(\(id), NULL, NULL, NULL, NULL, NULL, 2::smallint)") } catch let error as PostgresError { refusal = error.sqlState }
        #expect(refusal == "22023")
    }

    @Test func entryCommandsHappyPaths() throws {
        #expect(try run(["alias", "add", "P-000001", "--name", "Daz Ashdown"]).stdout == "P-000001\n")
        #expect(try run(["party", "add", "--ref", "V-100", "--family-name", "Penhallow", "--kind", "new_partner"]).stdout == "V-100\n")
        #expect(try run(["relationship", "add", "P-000001", "V-100", "--relationship", "partner", "--from", "2026-09-01", "--has-contact"]).status == 0)
        // hand-entered references are random (issue 12): each command prints the one it made
        func made(_ arguments: [String], _ prefix: String) throws -> String {
            let result = try run(arguments)
            let ref = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(result.status == 0 && ref.range(of: "^\(prefix)-[2-9A-HJKMNP-Z]{8}$", options: .regularExpression) != nil, "\(result.stdout) \(result.stderr)")
            return ref
        }
        _ = try made(["incident", "add", "P-000001", "--on", "2026-09-02", "--victim", "V-100", "--offence", "abh"], "I")
        let markerRef = try made(["marker", "add", "P-000001", "--kind", "weapons", "--on", "2026-09-02", "--note", "knife"], "M")
        #expect(try run(["marker", "end", markerRef, "--on", "2026-10-01"]).status == 0)
        let orderRef = try made(["order", "add", "P-000001", "--type", "dvpo", "--starts", "2026-09-03", "--ends", "2026-10-01", "--protected", "V-100"], "O")
        _ = try made(["breach", "add", "P-000001", "--on", "2026-09-10", "--order", orderRef, "--action", "arrest"], "B")
        let linkRef = try made(["link", "add", "P-000001", "--forum", "mappa", "--status", "active", "--starts", "2026-09-01", "--mappa-category", "2", "--mappa-level", "1"], "L")
        #expect(try run(["link", "update", linkRef, "--mappa-level", "2", "--next-review", "2026-12-01"]).status == 0)
        _ = try made(["referral", "add", "P-000001", "--on", "2026-09-05", "--criterion", "escalation", "--victim", "V-100", "--dash", "14"], "R")
        let json = try DisruptBinary.json(try run(["person", "show", "P-000001", "--format", "json"])) as? [String: Any] ?? [:]
        let link = (json["links"] as? [[String: Any]])?.first { $0["source_ref"] as? String == linkRef }
        #expect(link?["mappa_level"] as? Int == 2)
        #expect(link?["next_review_on"] as? String == "2026-12-01")
        let marker = (json["markers"] as? [[String: Any]])?.first { $0["source_ref"] as? String == markerRef }
        #expect(marker?["expires_on"] as? String == "2026-10-01")
        #expect((json["aliases"] as? [[String: Any]])?.contains { $0["alias_name"] as? String == "Daz Ashdown" } == true)
    }

    @Test func entryCommandsRefuseWithTheDocumentedExitCodes() throws {
        // unknown person -> 3
        #expect(try run(["marker", "add", "P-404", "--kind", "weapons", "--on", "2026-01-01"]).status == 3)
        #expect(try run(["incident", "add", "P-404", "--on", "2026-01-01"]).status == 3)
        // unknown code -> 1, naming the valid codes
        let code = try run(["order", "add", "P-000001", "--type", "asbo", "--starts", "2026-01-01"])
        #expect(code.status == 1)
        #expect(code.stderr.contains("unknown order type 'asbo'") && code.stderr.contains("restraining"))
        #expect(try run(["incident", "add", "P-000001", "--on", "2026-01-01", "--offence", "jaywalking"]).status == 1)
        // a value outside a fixed list -> 2 from the parser, naming the choices (nothing reaches the database)
        let fixed: [([String], String)] = [
            (["breach", "add", "P-000001", "--on", "2026-01-01", "--action", "shout"], "'--action': choose one of arrest, charge, summons, caution"),
            (["link", "add", "P-000001", "--forum", "moot", "--status", "active"], "'--forum': choose one of marac, mappa, matac, iom, dapp, drive"),
            (["link", "add", "P-000001", "--forum", "iom", "--status", "live"], "'--status': choose one of referred, active, closed"),
            (["link", "add", "P-000001", "--forum", "iom", "--status", "active", "--iom-cohort", "tight"], "'--iom-cohort': choose one of fixed, flex, free"),
            (["link", "update", "L-000001", "--lead-agency", "mi5"], "'--lead-agency': choose one of police, probation"),
            (["referral", "add", "P-000001", "--on", "2026-01-01", "--criterion", "gut"], "'--criterion': choose one of visible_high_risk"),
            (["party", "add", "--ref", "V-900", "--family-name", "X", "--kind", "neighbour"], "'--kind': choose one of victim, child, new_partner"),
            (["relationship", "add", "P-000001", "V-000001", "--relationship", "pal"], "'--relationship': choose one of partner, ex_partner"),
            (["marker", "add", "P-000001", "--kind", "weapons", "--on", "2026-01-01", "--sensitivity", "secret"], "'--sensitivity': choose one of shared, restricted"),
            (["incident", "add", "P-000001", "--on", "2026-01-01", "--agency", "Police"], "'--agency': choose one of police, probation"),
        ]
        for (arguments, message) in fixed {
            let refused = try run(arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        // impossible date -> 2
        #expect(try run(["incident", "add", "P-000001", "--on", "2026-13-01"]).status == 2)
        // end before start -> 1 with a plain message
        let order = try run(["order", "add", "P-000001", "--type", "bail", "--starts", "2026-02-01", "--ends", "2026-01-01"])
        #expect(order.status == 1)
        #expect(order.stderr.contains("--ends 2026-01-01 is before --starts 2026-02-01"))
        #expect(try run(["marker", "add", "P-000001", "--kind", "threats", "--on", "2026-02-01", "--expires", "2026-01-01"]).status == 1)
        #expect(try run(["marker", "end", "M-0000001", "--on", "2020-01-01"]).status == 1)
        // duplicate reference -> 5
        #expect(try run(["marker", "add", "P-000001", "--kind", "weapons", "--on", "2026-01-01", "--ref", "M-0000001"]).status == 5)
        #expect(try run(["party", "add", "--ref", "V-000001", "--family-name", "X", "--kind", "victim"]).status == 5)
        // unknown party / order / link -> 3
        #expect(try run(["relationship", "add", "P-000001", "V-404", "--relationship", "partner"]).status == 3)
        #expect(try run(["breach", "add", "P-000001", "--on", "2026-01-01", "--order", "O-404", "--action", "none"]).status == 3)
        #expect(try run(["link", "update", "L-404", "--status", "closed"]).status == 3)
        #expect(try scalar("SELECT count(*)::int FROM disrupt.marker") == 7)
    }

    @Test func mergeKeepsAllHistoryAndTheOldReferenceResolves() throws {
        let before = try scalar("SELECT count(*)::int FROM disrupt.incident WHERE person_id IN (SELECT id FROM disrupt.person WHERE person_ref IN ('P-000001', 'P-000002'))")
        let merge = try run(["person", "merge", "P-000001", "P-000002", "--reason", "same man, confirmed"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try scalar("SELECT count(*)::int FROM disrupt.incident WHERE person_id = (SELECT id FROM disrupt.person WHERE person_ref = 'P-000001')") == before)
        let json = try DisruptBinary.json(try run(["person", "show", "P-000002", "--format", "json"])) as? [String: Any] ?? [:]
        #expect((json["person"] as? [String: Any])?["person_ref"] as? String == "P-000001")
        #expect((json["person"] as? [String: Any])?["merged_refs"] as? [String] == ["P-000002"])
        #expect((json["aliases"] as? [[String: Any]])?.contains { $0["alias_name"] as? String == "Kerry Fallowfield" } == true)
        #expect((json["relationships"] as? [[String: Any]])?.contains { $0["party_ref"] as? String == "V-000003" } == true)
        #expect(try scalar("SELECT count(*)::int FROM disrupt.audit_log WHERE operation = 'combine' AND purpose = 'same man, confirmed'") == 1)
        #expect(try run(["person", "merge", "P-000001", "P-000404", "--reason", "x"]).status == 3)
    }
}
