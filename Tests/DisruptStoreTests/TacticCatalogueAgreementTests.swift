import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// DisruptCore's TacticCatalogue (the client's rule) and the database's catalogue (the authority)
/// cannot disagree: a fresh database holds exactly the shipped Config/tactics.json, and the two
/// judge every proposal alike.
@Suite("Tactic catalogue: Core and the database agree")
struct TacticCatalogueAgreementTests {
    static func shipped() throws -> TacticCatalogue {
        let text = try #require(Resources.text("Config/tactics.json"))
        return try TacticCatalogue.decode(Data(text.utf8))
    }

    @Test func aFreshDatabaseHoldsTheShippedCatalogueExactly() throws {
        let location = try TestCluster.freshDatabase("tacticagree")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let core = try Self.shipped()
        let database = try TacticStore().catalogue(on: db)
        #expect(database.tactics == core.tactics)
        // importing the shipped file changes nothing: seed and file are the same, order included
        let report = try TacticStore().importCatalogue(core, on: db)
        #expect(report == TacticImport(unchanged: core.tactics.map(\.code)))
    }

    @Test func coreAndTheDatabaseJudgeEveryProposalAlike() throws {
        let location = try TestCluster.freshDatabase("tacticjudge")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        let spoc = "tjspoc_\(token)"
        try db.execute("SELECT disrupt.staff_add(\(spoc), 'Sam Spoc', 'police', 'spoc')")
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("P-\(token)"), 'Judge', 'police')")
        // an exempted tactic, as an administrator would import it
        var tactics = try Self.shipped().tactics
        let gp = try #require(tactics.firstIndex { $0.code == "inform_gp" })
        let old = tactics[gp]
        tactics[gp] = Tactic(code: old.code, label: old.label, heading: old.heading, agency: old.agency,
                             safetyCheckExemptReason: "Information to the GP only", description: old.description)
        _ = try TacticStore().importCatalogue(try TacticCatalogue(tactics: tactics), on: db)
        let catalogue = try TacticStore().catalogue(on: db)
        #expect(catalogue["inform_gp"]?.needsSafetyCheck == false)

        let staff = try PostgresConnection(location.asUser(spoc).configuration)
        defer { staff.close() }
        let plan: Int64 = try staff.query("SELECT disrupt.plan_open(\("P-\(token)"), \(spoc), NULL::date) AS id")[0].decode("id")
        var proposals: [ActionProposal] = catalogue.tactics.map { .tactic(code: $0.code, heading: nil) }
        proposals += [
            .tactic(code: "made_up", heading: .disrupt), .tactic(code: "anpr_flagging", heading: .prosecute),
            .tactic(code: "family_mediation", heading: .divert), .custom(label: "Mediation between them", heading: .divert),
            .custom(label: "Ask the GP to offer alcohol treatment", heading: .divert),
        ]
        for proposal in proposals {
            let (heading, tactic, label): (String, String?, String?) = switch proposal {
            case .tactic(let code, let heading): (heading?.rawValue ?? catalogue[code]?.heading.rawValue ?? "disrupt", code, nil)
            case .custom(let label, let heading): (heading.rawValue, nil, label)
            }
            let core = catalogue.validate(proposal)
            var stored: Bool?
            do {
                let id: Int64 = try staff.query("""
                    SELECT disrupt.action_add(\(plan), \(heading), \(tactic)::text, 'police', NULL::text, current_date + 10, NULL::text, \(label)::text) AS id
                    """)[0].decode("id")
                stored = try db.query("SELECT needs_safety_check FROM disrupt.action WHERE id = \(id)")[0].decode("needs_safety_check")
            } catch let error as PostgresError {
                #expect(error.sqlState == "DR422", "\(proposal): \(error.message)")
            }
            switch core {
            case .success(let action): #expect(stored == action.needsSafetyCheck, "\(proposal)")
            case .failure(let refusal): #expect(stored == nil, "\(proposal): Core refuses (\(refusal)), the database stored it")
            }
        }
    }
}
