import DisruptCore
import Foundation

/// The demo's Marac meeting: one case (a referral of the demo's perpetrator for a demo victim),
/// planned for today, researched, heard, decided, an action agreed, closed, and its minutes
/// printed. A meeting that already exists is only shown again, so a second run writes nothing
/// but the audit log's consultation.
extension DemoScript {
    static let meeting = "DEMO-MARAC"

    func holdMeeting(for person: String, plan: Int) throws {
        let today = Day.today()
        if (try? json(["meeting", "show", Self.meeting, "--format", "json"])) == nil {
            let referredOn = min(asOf, today)
            try step(["party", "add", "--ref", "DEMO-V1", "--given-name", "Demi", "--family-name", "Victim", "--kind", "victim"])
            try step(["referral", "add", person, "--on", referredOn.iso, "--criterion", "visible_high_risk", "--victim", "DEMO-V1",
                      "--dash", "18", "--agency", "police", "--ref", "DEMO-R1"])
            try step(["meeting", "plan", Self.meeting, "--forum", "marac", "--on", today.iso, "--area", "Demo area",
                      "--chair", "demo_chair", "--length", "60", "--invite", "police", "--invite", "probation",
                      "--invite", "idva", "--invite", "health"])
            let listed = try json(["meeting", "case", "add", Self.meeting, "--referral", "DEMO-R1", "--idva", "demo_idva",
                                   "--format", "json"]) as? [String: Any]
            guard let caseRef = listed?["case_ref"] as? String else { throw DemoError("meeting case add did not report the case") }
            try step(["meeting", "research", Self.meeting, caseRef, "--agency", "police", "--status", "submitted",
                      "--note", "Three call-outs to the victim's address in the last two months"])
            try step(["meeting", "research", Self.meeting, caseRef, "--agency", "probation", "--status", "nothing_held"])
            try step(["meeting", "research", Self.meeting, caseRef, "--agency", "idva", "--status", "submitted",
                      "--note", "Victim engaging; safety plan in place"])
            for (agency, attendance) in [("police", "present"), ("probation", "present"), ("idva", "present"), ("health", "apologies_sent")] {
                try step(["meeting", "attend", Self.meeting, agency, "--as", attendance])
            }
            try step(["meeting", "hear", Self.meeting, caseRef])
            try step(["meeting", "decide", Self.meeting, caseRef, "--text", "Police to flag the address; the Idva to review the safety plan"])
            let shown = try json(["plan", "show", "\(plan)", "--format", "json"]) as? [String: Any]
            if let action = (shown?["actions"] as? [[String: Any]])?.first?["action_id"] as? Int {
                try step(["meeting", "agree", Self.meeting, caseRef, "--action", "\(action)"])
            }
            try step(["meeting", "close", Self.meeting])
            // the new referral changed his record: score it now, as the nightly recompute would
            try step(["recompute", "--as-of", asOf.iso])
        }
        console.print(console.styled("Marac meeting \(Self.meeting): the minutes", .bold))
        try show(["meeting", "minutes", Self.meeting, "--purpose", "disrupt demo minutes", "--format", "text"])
    }
}
