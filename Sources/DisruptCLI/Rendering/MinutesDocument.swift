import DisruptCore
import DisruptStore

/// The minutes of a meeting as a document: attendance, then per case the victim (name, date of
/// birth, Idva), the perpetrators, the referral clock, the research returns, the decisions and
/// the actions agreed; then the action list per agency. Holds only what the copy's agency may see
/// (the database chose the rows).
enum MinutesDocument {
    static func build(_ minutes: MeetingMinutes, waitingLimitDays: Int) -> MeetingDocument {
        let header = minutes.meeting
        var document = MeetingDocument(title: MeetingWording.title("Minutes", header))
        document.add(.paragraph("Chair: \(MeetingWording.chair(header)). Length: \(header.length_minutes) minutes. Status: \(header.status)"
            + (header.closed_at.map { ", closed \(Timestamp.local($0))" } ?? " (draft: the meeting is not closed)") + "."))
        document.add(.paragraph(minutes.copyFor.map { "Copy for \($0): holds only what \($0) may see." }
            ?? "Copy for \(minutes.producedBy): holds only what you may see."))
        document.add(.paragraph("Produced by \(minutes.producedBy) on \(Timestamp.local(minutes.producedAt))"
            + (minutes.recipients.isEmpty ? "." : "; sent to \(minutes.recipients.joined(separator: ", ")).")
            + " Personal data: official-sensitive, share only with the agencies named."))

        document.add(.heading("Attendance"))
        document.add(.table(["Agency", "Attendance", "Representative"], header.agencies.map {
            [$0.agency, MeetingWording.attendance($0.attendance), $0.representative ?? ""]
        }))

        document.add(.heading("Cases"))
        if minutes.cases.isEmpty { document.add(.paragraph("No cases (or none this copy may hold).")) }
        for sheet in minutes.cases {
            document.add(.subheading(MeetingWording.hearing(sheet) + (sheet.heard_on.map { ", heard \($0.iso)" } ?? "")))
            var lines: [String] = []
            if let victim = MeetingWording.victim(sheet) { lines.append(victim) }
            lines += sheet.perpetrators.map { "Perpetrator: " + MeetingWording.perpetrator($0) }
            if let clock = MeetingWording.clock(sheet, limit: waitingLimitDays) { lines.append(clock) }
            if let last = MeetingWording.lastHeard(sheet) { lines.append(last) }
            document.add(.bullets(lines))
            if !sheet.research.isEmpty {
                document.add(.table(["Research from", "Return", "Note"], sheet.research.map {
                    [$0.agency, MeetingWording.research($0.status), $0.note ?? ""]
                }))
            }
            document.add(.bullets(sheet.decisions.isEmpty ? ["Decisions: none recorded"] : sheet.decisions.map {
                "Decision: \($0.text)" + ($0.restricted ? " (restricted to \($0.agency ?? "its agency"))" : "")
            }))
            if !sheet.agreed_actions.isEmpty {
                document.add(.table(["Action", "Person", "What", "Agency", "Owner", "Due", "Status"], sheet.agreed_actions.map(row)))
            }
        }

        document.add(.heading("Actions by agency"))
        let groups = minutes.actionsByAgency
        if groups.isEmpty { document.add(.paragraph("No actions were agreed.")) }
        for group in groups {
            document.add(.subheading(group.agency))
            document.add(.table(["Case", "Action", "Person", "What", "Agency", "Owner", "Due", "Status"],
                                group.actions.map { [$0.caseRef] + row($0.action) }))
        }
        return document
    }

    private static func row(_ action: CaseSheet.AgreedAction) -> [String] {
        ["#\(action.id)", action.person_ref, MeetingWording.what(action.heading, action.tactic, action.label), action.agency,
         action.owner_login ?? "", action.due_on.iso, action.status]
    }
}
