import Foundation
import Testing
@testable import DisruptCore

@Suite struct ConfigurationTests {
    @Test func shippedConfigLoads() throws {
        let model = try loadShippedModel()
        #expect(model.triggers.rules.count == TriggerKind.byCode.count)
        #expect(model.tactics.tactics.count >= 30)
        #expect(model.markers.kinds.count >= MarkerCatalogue.requiredCodes.count)
        #expect(model.offences["da_incident"]?.gravity == 1)
        #expect(model.catalogue.orderType("rui")?.preCharge == true)
        #expect(model.reminders == ReminderTimings(
            intervalSeconds: 60, dueSoonDays: 3, escalationDays: 7, planReviewDays: 7, orderEndingDays: 3))
        #expect(model.rfg.window == .months(24))
        #expect(model.triggers.bands == BandThresholds(standard: 0, medium: 10, high: 20, veryHigh: 35))
        #expect(model.catalogue.label(for: .camhs) == "CAMHS")
        for heading in ActionHeading.allCases {
            #expect(!model.tactics.tactics(under: heading).isEmpty)
        }
    }

    /// The guidance: every action is agreed safe for the victim and children. The shipped
    /// catalogue exempts no tactic (it used to exempt 14, ANPR flagging among them).
    @Test func everyShippedTacticNeedsTheIdvaCheck() throws {
        let model = try loadShippedModel()
        #expect(model.tactics.tactics.count == 36)
        #expect(model.tactics.tactics.allSatisfy { $0.needsSafetyCheck })
        #expect(model.tactics["anpr_flagging"]?.needsSafetyCheck == true)
        #expect(model.tactics["dvds_right_to_know"]?.heading == .disrupt)
    }

    @Test(arguments: [
        #"{"code": "couples_counselling", "label": "Relationship support"}"#,
        #"{"code": "family_support", "label": "Family Mediation"}"#,
        #"{"code": "joint-counselling", "label": "Support"}"#,
        #"{"code": "support", "label": "Offer JOINT COUNSELLING sessions"}"#,
        #"{"code": "support", "label": "Couples therapy"}"#,
        #"{"code": "family_therapy", "label": "Support"}"#,
        #"{"code": "support", "label": "Restorative justice conference"}"#,
        #"{"code": "support", "label": "Joint session with the victim"}"#,
    ])
    func tacticsRefuseMediationAndCouplesCounselling(_ entry: String) {
        let json = #"{"tactics": [{"code": "ok", "label": "Arrest", "heading": "prosecute", "agency": "police"}, "#
            + entry.dropLast() + #", "heading": "divert", "agency": "other"}]}"#
        #expect {
            try TacticCatalogue.decode(Data(json.utf8))
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.file == "tactics.json" && error.key == "tactics[1]" && error.message.contains("refused")
        }
    }

    @Test func errorsNameFileAndKey() throws {
        var triggers = try #require(String(data: configData("triggers.json"), encoding: .utf8))
        triggers = triggers.replacingOccurrences(of: #""window_months": 12, "min_incidents": 3"#, with: #""window_months": 12"#)
        do {
            _ = try TriggerConfiguration.decode(Data(triggers.utf8))
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect(error.file == "triggers.json")
            #expect(error.key == "triggers[10].min_incidents")
        }

        let badType = #"{"version": "x", "bands": {"standard": 0, "medium": "ten", "high": 20, "very_high": 35}, "flags": {"repeat_months": 12}, "triggers": []}"#
        #expect { try TriggerConfiguration.decode(Data(badType.utf8)) } throws: {
            ($0 as? ConfigurationError).map { $0.file == "triggers.json" && $0.key == "bands.medium" } ?? false
        }

        let badBands = #"{"version": "x", "bands": {"standard": 0, "medium": 20, "high": 20, "very_high": 35}, "flags": {"repeat_months": 12}, "triggers": []}"#
        #expect { try TriggerConfiguration.decode(Data(badBands.utf8)) } throws: {
            ($0 as? ConfigurationError)?.key == "bands.high"
        }

        let missing = #"{"version": "x", "bands": {"standard": 0, "medium": 10, "high": 20, "very_high": 35}, "flags": {"repeat_months": 12}, "triggers": []}"#
        #expect { try TriggerConfiguration.decode(Data(missing.utf8)) } throws: {
            ($0 as? ConfigurationError)?.message.contains("is missing") == true
        }

        let noVersion = #"{"window_months": 24}"#
        #expect { try RFGConfiguration.decode(Data(noVersion.utf8)) } throws: {
            ($0 as? ConfigurationError).map { $0.file == "rfg.json" && $0.key == "version" } ?? false
        }
    }

    @Test func unknownMarkerKindInTriggersIsRejected() throws {
        let triggers = try #require(String(data: configData("triggers.json"), encoding: .utf8))
            .replacingOccurrences(of: #""marker_kinds": ["homeless"]"#, with: #""marker_kinds": ["homelss"]"#)
        #expect {
            try RiskModel.load(
                triggers: Data(triggers.utf8), rfg: configData("rfg.json"), markers: configData("markers.json"),
                offences: configData("offences.json"), tactics: configData("tactics.json"),
                catalogue: configData("catalogue.json"), settings: configData("disrupt.json"))
        } throws: {
            ($0 as? ConfigurationError).map { $0.key == "triggers[0].marker_kinds" && $0.message.contains("homelss") } ?? false
        }
    }

    @Test func catalogueRejectsDuplicatesAndMissingRequiredCodes() {
        let dup = #"{"markers": [{"code": "weapons", "label": "A"}, {"code": "weapons", "label": "B"}]}"#
        #expect { try MarkerCatalogue.decode(Data(dup.utf8)) } throws: {
            ($0 as? ConfigurationError)?.key == "markers[1].code"
        }
        let short = #"{"offences": [{"code": "da_incident", "label": "x", "gravity": 1}]}"#
        #expect { try OffenceCatalogue.decode(Data(short.utf8)) } throws: {
            ($0 as? ConfigurationError)?.message.contains("required code") == true
        }
    }

    @Test func gravityResolution() {
        let offences = shippedModel.offences
        #expect(offences.gravity(explicit: 7, offence: "rape") == 7)
        #expect(offences.gravity(explicit: nil, offence: "rape") == offences["rape"]!.gravity)
        #expect(offences.gravity(explicit: nil, offence: nil) == offences["da_incident"]!.gravity)
        #expect(offences.gravity(explicit: nil, offence: "unknown_code") == offences["da_incident"]!.gravity)
    }
}
