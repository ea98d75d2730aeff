import Foundation
import Testing
@testable import DisruptCore

/// Actions: the tactic fixes the heading, every action needs the Idva check unless exempted,
/// custom actions are possible, joint work with the victim is refused; the life of an action.
@Suite struct ActionRuleTests {
    let tactics = shippedModel.tactics

    @Test func theTacticFixesTheHeading() throws {
        #expect(tactics.validate(.tactic(code: "respect_phoneline", heading: .prosecute))
            == .failure(.wrongHeading(tactic: "respect_phoneline", tacticHeading: .divert, given: .prosecute)))
        let action = try tactics.validate(.tactic(code: "respect_phoneline", heading: nil)).get()
        #expect(action.heading == .divert && action.needsSafetyCheck)
        #expect(try tactics.validate(.tactic(code: "anpr_flagging", heading: .disrupt)).get().needsSafetyCheck)
    }

    @Test func aCustomActionIsAllowedAndAlwaysChecked() throws {
        let action = try tactics.validate(.custom(label: "Ask the football club to bar him from home games", heading: .disrupt)).get()
        #expect(action.isCustom && action.needsSafetyCheck && action.heading == .disrupt)
        #expect(tactics.validate(.custom(label: "   ", heading: .manage)) == .failure(.emptyLabel))
        #expect(try tactics.validate(.custom(label: "Immediate arrest if seen near her address", heading: .prosecute)).get().isCustom)
        #expect(try tactics.validate(.custom(label: "Joint agency visit with housing", heading: .manage)).get().isCustom)
    }

    @Test(arguments: [
        ("Refer the couple to mediation", "mediation"), ("Couples counselling at Relate", "couples counselling"),
        ("Offer joint counselling", "joint counselling"), ("Family therapy sessions", "family therapy"),
        ("Restorative justice conference", "restorative justice"), ("Joint session with the victim", "joint work with the victim"),
    ])
    func jointWorkWithTheVictimIsRefused(_ label: String, _ phrase: String) {
        #expect(tactics.validate(.custom(label: label, heading: .divert)) == .failure(.jointWork(text: label, phrase: phrase)))
    }

    @Test func onlyAnAdministratorsRecordedReasonExemptsATactic() throws {
        let exempt = #"{"tactics": [{"code": "inform_gp", "label": "Inform GP", "heading": "manage", "agency": "health", "safety_check_exempt_reason": "Information to the GP only; agreed by the Marac steering group 2026-01-12"}]}"#
        let catalogue = try TacticCatalogue.decode(Data(exempt.utf8))
        #expect(try !catalogue.validate(.tactic(code: "inform_gp", heading: .manage)).get().needsSafetyCheck)
        let blank = exempt.replacingOccurrences(of: "Information to the GP only; agreed by the Marac steering group 2026-01-12", with: " ")
        #expect(throws: ConfigurationError.self) { try TacticCatalogue.decode(Data(blank.utf8)) }
    }

    @Test func theLifeOfAnAction() {
        #expect(ActionStatus.open.refusal(to: .inProgress, needsSafetyCheck: true, safetyChecked: false, text: nil)
            == "an Idva must confirm the action is safe for the victim and children before it starts")
        #expect(ActionStatus.open.refusal(to: .inProgress, needsSafetyCheck: true, safetyChecked: true, text: nil) == nil)
        #expect(ActionStatus.open.refusal(to: .done, needsSafetyCheck: false, safetyChecked: false, text: "x")
            == "an action that is open cannot become done")
        #expect(ActionStatus.blocked.refusal(to: .inProgress, needsSafetyCheck: true, safetyChecked: true, text: nil) == nil)
        #expect(ActionStatus.inProgress.refusal(to: .done, needsSafetyCheck: true, safetyChecked: true, text: " ")
            == "an action needs an outcome to be done")
        #expect(ActionStatus.inProgress.refusal(to: .cancelled, needsSafetyCheck: true, safetyChecked: true, text: nil)
            == "an action needs a reason to be cancelled")
        #expect(ActionStatus.done.next.isEmpty && ActionStatus.cancelled.next.isEmpty)
        #expect(ActionStatus.live == [.open, .inProgress, .blocked])
        #expect(ActionStatus.inProgress.daysOverdue(dueOn: day("2026-06-10"), asOf: day("2026-06-15")) == 5)
        #expect(ActionStatus.done.daysOverdue(dueOn: day("2026-06-10"), asOf: day("2026-06-15")) == 0)
    }
}
