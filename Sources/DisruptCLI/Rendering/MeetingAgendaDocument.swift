import DisruptCore
import DisruptStore

/// The agenda of a meeting as a document: cases by risk, each with its hearing and repeat
/// counts, the referral clock, research not returned and overdue actions by agency; the time
/// budget against the meeting's length.
enum MeetingAgendaDocument {
    static func build(_ agenda: MeetingAgenda) -> MeetingDocument {
        let header = agenda.meeting
        var document = MeetingDocument(title: MeetingWording.title("Agenda", header))
        document.add(.paragraph("Chair: \(MeetingWording.chair(header)). Length: \(header.length_minutes) minutes. Status: \(header.status)."
            + (header.research_due_on.map { " Research due: \($0.iso)." } ?? "")))
        let budget = agenda.budget
        document.add(.paragraph("Time: \(budget.cases) case\(budget.cases == 1 ? "" : "s") x \(budget.minutesPerCase) minutes = \(budget.neededMinutes) of \(budget.lengthMinutes) minutes."))
        if budget.isOver {
            document.add(.warning("the cases need \(budget.overByMinutes) minutes more than the meeting has"))
        }
        if !agenda.overWaitingLimit.isEmpty {
            document.add(.warning("\(agenda.overWaitingLimit.count) case(s) waited more than \(agenda.waitingLimitDays) days from referral: \(agenda.overWaitingLimit.joined(separator: ", "))"))
        }
        for (index, sheet) in agenda.cases.enumerated() {
            document.add(.heading("\(index + 1). \(MeetingWording.hearing(sheet))"
                + (sheet.risk_score.map { ", risk \($0)" } ?? "")))
            var lines: [String] = []
            if let victim = MeetingWording.victim(sheet) { lines.append(victim) }
            lines += sheet.perpetrators.map { "Perpetrator: " + MeetingWording.perpetrator($0) }
            if let clock = MeetingWording.clock(sheet, limit: agenda.waitingLimitDays) { lines.append(clock) }
            if let last = MeetingWording.lastHeard(sheet) { lines.append(last) }
            for since in agenda.sinceLastHeard[sheet.case_ref] ?? [] {
                lines.append("Since last heard (\(since.brief.since.iso) to \(since.brief.asOf.iso)), \(since.person_ref): "
                    + SinceLastHeardWording.compact(since.brief))
            }
            let outstanding = sheet.outstandingResearch
            lines.append(outstanding.isEmpty ? "Research: every agency asked has returned"
                                             : "Research not returned: \(outstanding.joined(separator: ", "))")
            for group in sheet.overdue {
                lines.append("\(group.agency): \(group.actions.count) overdue action(s): "
                    + group.actions.map { "#\($0.id) \(MeetingWording.what($0.heading, $0.tactic, $0.label)) due \($0.due_on.iso) (\($0.days_overdue) days)" }
                        .joined(separator: "; "))
            }
            document.add(.bullets(lines))
        }
        if agenda.cases.isEmpty { document.add(.paragraph("No cases are listed (or none you may see).")) }
        return document
    }
}
