import DisruptCore
import Foundation

/// The demo's meetings, each planned for today, researched, attended, heard, decided, closed and
/// its minutes printed: one Marac meeting (a referral of the demo's perpetrator for a demo victim,
/// with an agreed action) and one MATAC meeting (the cohort member's case). A meeting that already
/// exists is only shown again, so a second run writes nothing but the audit log's consultation.
extension DemoScript {
    static let meeting = "DEMO-MARAC"
    static let matacMeeting = "DEMO-MATAC"

    /// One demo meeting: its forum, the agencies invited with their attendance, the research
    /// returned (agency, status, note) and the decision recorded.
    struct Meeting {
        var ref: String
        var forum: String
        var title: String
        var attendance: [(agency: String, attendance: String)]
        var research: [(agency: String, status: String, note: String?)]
        var decision: String
    }

    func holdMeeting(for person: String, plan: Int) throws {
        let marac = Meeting(
            ref: Self.meeting, forum: "marac", title: "Marac",
            attendance: [("police", "present"), ("probation", "present"), ("idva", "present"), ("health", "apologies_sent")],
            research: [("police", "submitted", "Three call-outs to the victim's address in the last two months"),
                       ("probation", "nothing_held", nil), ("idva", "submitted", "Victim engaging; safety plan in place")],
            decision: "Police to flag the address; the Idva to review the safety plan")
        try hold(marac, caseArguments: {
            let referredOn = min(asOf, Day.today())
            try step(["party", "add", "--ref", "DEMO-V1", "--given-name", "Demi", "--family-name", "Victim", "--kind", "victim"])
            try step(["referral", "add", person, "--on", referredOn.iso, "--criterion", "visible_high_risk", "--victim", "DEMO-V1",
                      "--dash", "18", "--agency", "police", "--ref", "DEMO-R1"])
            return ["--referral", "DEMO-R1", "--idva", "demo_idva"]
        }, afterDecision: { caseRef in
            let shown = try json(["plan", "show", "\(plan)", "--format", "json"]) as? [String: Any]
            if let action = (shown?["actions"] as? [[String: Any]])?.first?["action_id"] as? Int {
                try step(["meeting", "agree", Self.meeting, caseRef, "--action", "\(action)"])
            }
        }, afterClose: {
            // the new referral changed his record: score it now, as the nightly recompute would
            try step(["recompute", "--as-of", asOf.iso])
        })
    }

    /// The MATAC meeting: the case of the cohort's first member (nothing when the cohort is empty).
    func holdMatacMeeting() throws {
        let members = try json(["matac", "cohort", "--format", "json"]) as? [[String: Any]] ?? []
        guard let person = members.first?["person"] as? String else { return }
        let matac = Meeting(
            ref: Self.matacMeeting, forum: "matac", title: "MATAC",
            attendance: [("police", "present"), ("probation", "present"), ("idva", "apologies_sent")],
            research: [("police", "submitted", "Serial pattern across two partners; RFG the highest in the force"),
                       ("probation", "nothing_held", nil)],
            decision: "Police and probation to task a joint disruption plan; review at the next MATAC")
        try hold(matac, caseArguments: { ["--person", person] })
    }

    /// Plans and holds `meeting` unless it exists, then prints its minutes. `caseArguments` makes
    /// whatever the case needs and returns how `meeting case add` names it.
    func hold(_ meeting: Meeting, caseArguments: () throws -> [String], afterDecision: (String) throws -> Void = { _ in },
              afterClose: () throws -> Void = {}) throws {
        let today = Day.today()
        if (try? json(["meeting", "show", meeting.ref, "--format", "json"])) == nil {
            let naming = try caseArguments()
            try step(["meeting", "plan", meeting.ref, "--forum", meeting.forum, "--on", today.iso, "--area", "Demo area",
                      "--chair", "demo_chair", "--length", "60"] + meeting.attendance.flatMap { ["--invite", $0.agency] })
            let listed = try json(["meeting", "case", "add", meeting.ref] + naming + ["--format", "json"]) as? [String: Any]
            guard let caseRef = listed?["case_ref"] as? String else { throw DemoError("meeting case add did not report the case") }
            for research in meeting.research {
                try step(["meeting", "research", meeting.ref, caseRef, "--agency", research.agency, "--status", research.status]
                         + (research.note.map { ["--note", $0] } ?? []))
            }
            for (agency, attendance) in meeting.attendance {
                try step(["meeting", "attend", meeting.ref, agency, "--as", attendance])
            }
            try step(["meeting", "hear", meeting.ref, caseRef])
            try step(["meeting", "decide", meeting.ref, caseRef, "--text", meeting.decision])
            try afterDecision(caseRef)
            try step(["meeting", "close", meeting.ref])
            try afterClose()
        }
        console.print(console.styled("\(meeting.title) meeting \(meeting.ref): the minutes", .bold))
        try show(["meeting", "minutes", meeting.ref, "--purpose", "disrupt demo minutes", "--format", "text"])
    }
}
