import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt recompute` scores each person with `RiskScorer`, first without reasons, and
/// explains only the results it stores: over a generated force, the scorer must give exactly
/// what `TriggerEvaluator.assess` and `RFGConfiguration.score` give on their own, and scoring
/// without reasons must differ from it in the reasons alone.
@Suite("Risk scorer: the recompute's scoring equals the rules'")
struct RiskScorerTests {
    @Test func theScorerGivesTheRulesResultsAndLeavingOutReasonsChangesNothingElse() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("risk-scorer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ForceGenerator(people: 400, seed: 18).write(to: directory)
        let location = try TestCluster.freshDatabase("riskscorer")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        _ = try db.query("SELECT disrupt.consult('test: the scorer reads the force', 'test')")
        try ForceImport.load(directory, into: db)
        let model = try ConfigurationLoader.riskModel(environment: [:])
        let people = try FactsLoader(model: model).load(lo: Int64.min, hi: Int64.max, ids: nil, on: db)
        #expect(people.count == 400)
        var codes = Set<String>()
        // as-of days across the generated six years, and the default one
        for asOf in [ForceGenerator.defaultAsOf, ForceGenerator.defaultAsOf.adding(months: -18), Day(iso: "2022-02-28")!] {
            let scorer = model.scorer(asOf: asOf)
            for (_, facts) in people {
                let scored = scorer.score(facts)
                #expect(scored.assessment == model.assess(facts, asOf: asOf), "\(facts.personRef)")
                #expect(scored.rfg == model.rfgScore(facts, asOf: asOf), "\(facts.personRef)")
                var quick = scorer.score(facts, explained: false)
                #expect(quick.assessment.triggers.allSatisfy { $0.reason.isEmpty })
                for i in quick.assessment.triggers.indices { quick.assessment.triggers[i].reason = scored.assessment.triggers[i].reason }
                #expect(quick.assessment == scored.assessment, "\(facts.personRef)")
                #expect(quick.rfg == scored.rfg)
                codes.formUnion(scored.assessment.triggers.map(\.code))
            }
        }
        #expect(codes.count >= 8, "the force fires triggers of many kinds: \(codes.sorted())")
    }
}
