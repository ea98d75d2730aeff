import Foundation
import Testing
@testable import DisruptCore

@Suite struct ReminderSettingsTests {
    private func decode(_ reminders: String) throws -> Settings {
        try Settings.decode(Data(#"{"reminders": {"interval_seconds": 30, "due_soon_days": 2, "escalation_days": 5, "plan_review_days": 7, "order_ending_days": 3\#(reminders)}}"#.utf8))
    }

    @Test func deliverCommandIsOptional() throws {
        #expect(try decode("").reminders.deliverCommand == nil)
        #expect(try decode("").reminders.intervalSeconds == 30)
    }

    @Test func deliverCommandIsAnArgumentList() throws {
        let settings = try decode(#", "deliver_command": ["/usr/sbin/sendmail", "-t"]"#)
        #expect(settings.reminders.deliverCommand == ["/usr/sbin/sendmail", "-t"])
    }

    @Test(arguments: [#", "deliver_command": []"#, #", "deliver_command": ["sendmail", "-t"]"#, #", "deliver_command": "/usr/sbin/sendmail -t""#])
    func deliverCommandMustStartWithAnAbsolutePath(_ entry: String) {
        #expect(throws: ConfigurationError.self) { try decode(entry) }
    }

    @Test func tacticCloseMatches() throws {
        let catalogue = try TacticCatalogue(tactics: [
            Tactic(code: "arrest_charge", label: "Arrest", heading: .prosecute, agency: .police),
            Tactic(code: "anpr_flagging", label: "ANPR", heading: .disrupt, agency: .police),
            Tactic(code: "housing_enforcement", label: "Housing", heading: .manage, agency: .housing),
        ])
        #expect(catalogue.closeMatches(to: "arest_charge") == ["arrest_charge"])
        #expect(catalogue.closeMatches(to: "anpr") == ["anpr_flagging"])
        #expect(catalogue.closeMatches(to: "zzzzzzzz").isEmpty)
    }
}
