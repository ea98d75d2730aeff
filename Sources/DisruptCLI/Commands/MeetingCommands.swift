import DisruptCore
import DisruptStore
import Foundation

/// `disrupt meeting ...`: the forum's meeting cycle. Plan a meeting and invite agencies, list its
/// cases, collect research returns, record attendance, hearings, decisions and the actions agreed,
/// close it, and produce the agenda and each agency's minutes.
enum MeetingCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "meeting", abstract: "Marac, MATAC and MAPPA meetings: cases, research, hearings, decisions, agenda and minutes.",
            discussion: """
                Chairs and coordinators plan and close meetings, list cases, record attendance, hearings,
                decisions and agreed actions; each invited agency's staff record their own research return.
                A closed meeting never changes (exit 5, with its state); a meeting whose day has passed
                cannot be re-planned and a case cannot be heard before its referral (exit 1).
                """,
            examples: ["disrupt meeting plan MARAC-2026-12-03 --forum marac --on 2026-12-03 --area North --chair chair_jo --invite police --invite health",
                       "disrupt meeting agenda MARAC-2026-12-03"],
            subcommands: [plan, show, list, attend, caseGroup, research, hear, decide, agree, close, agenda, minutes, waiting]
        )
    }

    static let plan = CommandSpec(
        "plan", abstract: "Plan a meeting (or re-plan one still to come): forum, day, area, chair, length, invited agencies.",
        discussion: "An existing MEETING is re-planned: the options given change, --invite adds agencies. Research returns are due forum.research_due_days (disrupt.json, default 3) before the day. Exit 1: the day has passed; exit 5: the meeting is closed.",
        arguments: Plan.self,
        examples: ["disrupt meeting plan MARAC-2026-12-03 --forum marac --on 2026-12-03 --area North --chair chair_jo --length 180 --invite police --invite health --invite idva"]
    ) { input, invocation in
        let settings = try invocation.riskModel().settings.forum
        let header = try invocation.reading { db in try MeetingStore().plan(.init(
            ref: input.meeting.text, forum: input.forum?.rawValue, mappaLevel: input.mappaLevel, area: input.area,
            heldOn: input.heldOn, lengthMinutes: input.length, chair: input.chair, invite: input.invite.map(\.rawValue),
            researchDueDays: settings.researchDueDays), on: db) }
        try printHeader(header, input.format, invocation, verb: "Planned")
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show a meeting: day, chair, length, status, invited agencies and attendance.",
        arguments: Named.self,
        examples: ["disrupt meeting show MARAC-2026-12-03"]
    ) { input, invocation in
        let header = try invocation.reading { db in try MeetingReader().header(input.meeting, on: db) }
        try printHeader(header, input.format, invocation, verb: nil)
        return 0
    }

    static let list = CommandSpec(
        "list", abstract: "List meetings by day, with the number of cases on each that you may see.",
        arguments: List.self,
        examples: ["disrupt meeting list --forum marac --from 2026-12-01"]
    ) { input, invocation in
        let meetings = try invocation.reading { db in try MeetingReader().list(forum: input.forum?.rawValue, status: input.status == "all" ? nil : input.status,
                                                from: input.from, on: db) }
        if input.format == .json {
            try invocation.console.printJSON(meetings)
        } else if meetings.isEmpty {
            invocation.console.print("No meetings.")
        } else {
            var table = TextTable(["MEETING", "FORUM", "DAY", "AREA", "CHAIR", "MINUTES", "CASES", "STATUS"])
            for m in meetings {
                table.append([m.meeting, m.forum, m.held_on.iso, m.area, m.chair, "\(m.length_minutes)", "\(m.cases)", m.status])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let attend = CommandSpec(
        "attend", abstract: "Record an invited agency's attendance: present, apologies_sent or absent.",
        arguments: Attend.self,
        examples: ["disrupt meeting attend MARAC-2026-12-03 health --as apologies_sent --representative 'Dr A Khan'"]
    ) { input, invocation in
        let header = try invocation.reading { db in try MeetingStore().attend(meeting: input.meeting, agency: input.agency.rawValue, attendance: input.attendance.rawValue,
                                               representative: input.representative, on: db) }
        try printHeader(header, input.format, invocation, verb: "Recorded attendance at")
        return 0
    }

    static var caseGroup: CommandSpec {
        CommandSpec("case", abstract: "List cases at a meeting, and see the cases on it.",
                    examples: caseAdd.examples, subcommands: [caseAdd, caseList])
    }

    static let caseAdd = CommandSpec(
        "add", abstract: "List a case at a meeting: a Marac case by its referral(s), a MATAC or MAPPA case by the perpetrator, or an open case again.",
        discussion: "A Marac case is the victim's: the referrals' perpetrators join it. A case heard before gets the next hearing number (a repeat). Every invited agency that may see the case is asked for research.",
        arguments: CaseAdd.self,
        examples: ["disrupt meeting case add MARAC-2026-12-03 --referral R-000014 --idva idva_sam",
                   "disrupt meeting case add MATAC-2026-12-10 --person P-000123",
                   "disrupt meeting case add MARAC-2026-12-17 --case MARAC-7KQ2M9XD"]
    ) { input, invocation in
        let subject: MeetingStore.CaseSubject
        if let person = input.person { subject = .person(person) }
        else if let existing = input.caseRef { subject = .existing(existing) }
        else { subject = .referrals(input.referral) }
        let listed = try invocation.reading { db in try MeetingStore().addCase(meeting: input.meeting, subject, idva: input.idva, restricted: input.restricted,
                                                on: db) }
        if input.format == .json {
            try invocation.console.printJSON(listed)
        } else {
            invocation.console.print("Listed case \(listed.case_ref) at \(listed.meeting): hearing \(listed.hearing_number).")
        }
        return 0
    }

    static let caseList = CommandSpec(
        "list", abstract: "The cases on a meeting that you may see: hearing number, status, research not returned.",
        arguments: Named.self,
        examples: ["disrupt meeting case list MARAC-2026-12-03"]
    ) { input, invocation in
        let settings = try invocation.riskModel().settings.forum
        let agenda = try invocation.reading { db in try MeetingReader().agenda(input.meeting, settings: settings, on: db) }
        if input.format == .json {
            try invocation.console.printJSON(agenda.cases)
        } else if agenda.cases.isEmpty {
            invocation.console.print("No cases on \(agenda.meeting.meeting).")
        } else {
            var table = TextTable(["CASE", "HEARING", "STATUS", "REPEAT", "WAITING", "RESEARCH NOT RETURNED"])
            for sheet in agenda.cases {
                table.append([sheet.case_ref, "\(sheet.hearing_number)", sheet.status, sheet.repeat ? "yes" : "no",
                              sheet.clock.map { "\($0.days_waiting)d" } ?? "-", sheet.outstandingResearch.joined(separator: ", ")])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let research = CommandSpec(
        "research", abstract: "Record your agency's research return for a case on a meeting's agenda.",
        arguments: Research.self,
        examples: ["disrupt meeting research MARAC-2026-12-03 MARAC-7KQ2M9XD --status submitted --note 'Two A&E attendances in October'",
                   "disrupt meeting research MARAC-2026-12-03 MARAC-7KQ2M9XD --status nothing_held"]
    ) { input, invocation in
        try invocation.reading { db in try MeetingStore().research(meeting: input.meeting, caseRef: input.caseRef, status: input.status.rawValue,
                                    note: input.note, agency: input.agency?.rawValue, on: db) }
        invocation.console.print("Recorded research for \(input.caseRef) at \(input.meeting): \(input.status.rawValue).")
        return 0
    }

    static let hear = CommandSpec(
        "hear", abstract: "Record that the meeting heard a case (on the meeting's day).",
        arguments: Hear.self,
        examples: ["disrupt meeting hear MARAC-2026-12-03 MARAC-7KQ2M9XD"]
    ) { input, invocation in
        let number = try invocation.reading { db in try MeetingStore().hear(meeting: input.meeting, caseRef: input.caseRef, on: db) }
        invocation.console.print("Heard \(input.caseRef) at \(input.meeting): hearing \(number).")
        return 0
    }

    static let decide = CommandSpec(
        "decide", abstract: "Record a decision of the meeting about a case.",
        arguments: Decide.self,
        examples: ["disrupt meeting decide MARAC-2026-12-03 MARAC-7KQ2M9XD --text 'Refer to MATAC; housing to expedite the move'"]
    ) { input, invocation in
        let id = try invocation.reading { db in try MeetingStore().decide(meeting: input.meeting, caseRef: input.caseRef, text: input.text.text,
                                           restricted: input.restricted, on: db) }
        invocation.console.print("Recorded decision \(id) for \(input.caseRef) at \(input.meeting)\(input.restricted ? " (restricted to your agency)" : "").")
        return 0
    }

    static let agree = CommandSpec(
        "agree", abstract: "Link a plan action to the hearing that agreed it.",
        discussion: "The action (disrupt action add) must be on the plan of one of the case's perpetrators.",
        arguments: Agree.self,
        examples: ["disrupt meeting agree MARAC-2026-12-03 MARAC-7KQ2M9XD --action 42"]
    ) { input, invocation in
        let version = try invocation.reading { db in try MeetingStore().agree(meeting: input.meeting, caseRef: input.caseRef, actionId: input.action.value,
                                               on: db) }
        invocation.console.print("Action \(input.action.value) agreed at \(input.meeting) for \(input.caseRef) (action version \(version)).")
        return 0
    }

    static let close = CommandSpec(
        "close", abstract: "Close a meeting on or after its day: unreturned research is not submitted, unheard cases deferred.",
        arguments: Named.self,
        examples: ["disrupt meeting close MARAC-2026-12-03"]
    ) { input, invocation in
        let header = try invocation.reading { db in try MeetingStore().close(meeting: input.meeting, on: db) }
        try printHeader(header, input.format, invocation, verb: "Closed")
        return 0
    }

    static let agenda = CommandSpec(
        "agenda", abstract: "A meeting's agenda: cases by risk, repeats and hearings, the referral clock, research not returned, overdue actions by agency, the time budget.",
        discussion: "The clock warns past forum.waiting_limit_days (default 14) and the budget gives each case forum.minutes_per_case (default 10) against the meeting's length (Config/disrupt.json).",
        arguments: AgendaArguments.self,
        examples: ["disrupt meeting agenda MARAC-2026-12-03", "disrupt meeting agenda MARAC-2026-12-03 --format markdown > agenda.md"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        // one consultation: the agenda and, for each case heard before, what changed since (to the
        // meeting's day, or today if it is still to come)
        let agenda = invocation.console.reporting(try invocation.reading { db in
            try MeetingReader().agenda(input.meeting, settings: model.settings.forum, sinceLastHeard: model, asOf: Day.today(), on: db)
        })
        switch input.format {
        case .json: try invocation.console.printJSON(agenda)
        case .markdown: invocation.console.writeDocument(MeetingAgendaDocument.build(agenda).markdown())
        case .text: invocation.console.write(MeetingAgendaDocument.build(agenda).text())
        }
        return 0
    }

    static let minutes = CommandSpec(
        "minutes", abstract: "The minutes and action list per agency (logged: a consultation, or with --send-to a disclosure to the recipients).",
        discussion: """
            With --agency, that agency's copy: only what both you and that agency may see (restricted
            records of other agencies are left out). Minutes are personal data: producing them is logged
            as a consultation with --purpose; --send-to (the meeting must be closed) logs a disclosure
            naming the recipients, by the same database call that produced the content. --out writes a
            private file (owner-only, replaced atomically).
            """,
        arguments: Minutes.self,
        examples: ["disrupt meeting minutes MARAC-2026-12-03 --agency health --format html --out minutes-health.html",
                   "disrupt meeting minutes MARAC-2026-12-03 --agency health --send-to 'health-marac@nhs.example' --format markdown --out minutes-health.md"]
    ) { input, invocation in
        let settings = try invocation.riskModel().settings.forum
        let minutes = try invocation.reading { db in try MeetingReader().minutes(
            input.meeting, agency: input.agency?.rawValue, purpose: input.purpose?.trimmed ?? "minutes of \(input.meeting)",
            recipients: input.sendTo, format: input.format.rawValue, on: db) }
        let document = MinutesDocument.build(minutes, waitingLimitDays: settings.waitingLimitDays)
        let output: String
        switch input.format {
        case .json: output = try jsonText(minutes)
        case .html: output = document.html()
        case .markdown: output = document.markdown()
        case .text: output = document.text()
        }
        if let path = input.out {
            do {
                try PrivateFile.write(Data(output.utf8), to: path)
            } catch let error as PrivateFileError {
                throw StoreError(.failure, error.description, hint: "Choose a writable file with --out")
            } catch {
                throw StoreError(.failure, "cannot write \(path): \(error.localizedDescription)", hint: "Choose a writable file with --out")
            }
            invocation.console.error("Wrote the minutes of \(input.meeting)\(input.agency.map { " (copy for \($0.rawValue))" } ?? "") to \(path)"
                + (input.sendTo.isEmpty ? "" : "; disclosure to \(input.sendTo.joined(separator: ", ")) logged"))
        } else if input.format == .text {
            invocation.console.write(output)
        } else {
            invocation.console.writeDocument(output)
        }
        return 0
    }

    static let waiting = CommandSpec(
        "waiting", abstract: "Every Marac referral not yet heard, with its days waiting (the coordinator's list).",
        discussion: "Flags referrals waiting longer than forum.waiting_limit_days (default 14). Shows where each is listed, if anywhere.",
        arguments: Waiting.self,
        examples: ["disrupt meeting waiting", "disrupt meeting waiting --format json"]
    ) { input, invocation in
        let settings = try invocation.riskModel().settings.forum
        let waiting = try invocation.reading { db in try MeetingReader().waiting(asOf: input.asOf ?? Day.today(), limitDays: settings.waitingLimitDays,
                                                  on: db) }
        if input.format == .json {
            try invocation.console.printJSON(waiting)
        } else if waiting.isEmpty {
            invocation.console.print("No referral is waiting to be heard.")
        } else {
            var table = TextTable(["REFERRAL", "PERSON", "VICTIM", "REFERRED", "WAITING", "CASE", "LISTED AT"])
            for r in waiting {
                table.append([r.referral, r.person_ref, r.victim_ref ?? "-", r.referred_on.iso,
                              "\(r.days_waiting)d\(r.over_limit ? " OVER" : "")", r.case_ref ?? "-",
                              r.listed_at.map { "\($0) \(r.listed_on?.iso ?? "")" } ?? "not listed"])
            }
            invocation.console.print(table.render())
            let over = waiting.filter(\.over_limit).count
            if over > 0 { invocation.console.print("\(over) referral(s) waiting more than \(settings.waitingLimitDays) days.") }
        }
        return 0
    }

    private static func printHeader(_ header: MeetingHeader, _ format: TextOrJSON, _ invocation: Invocation, verb: String?) throws {
        if format == .json {
            try invocation.console.printJSON(header)
            return
        }
        var lines = ["\(verb.map { "\($0) " } ?? "")\(MeetingWording.forum(header)) meeting \(header.meeting): \(header.held_on.iso), \(header.area), chair \(MeetingWording.chair(header)), \(header.length_minutes) minutes, \(header.status) (version \(header.version))"]
        if let due = header.research_due_on { lines.append("Research due: \(due.iso)") }
        for agency in header.agencies {
            lines.append("  \(agency.agency): \(MeetingWording.attendance(agency.attendance))\(agency.representative.map { " (\($0))" } ?? "")")
        }
        invocation.console.print(lines.joined(separator: "\n"))
    }

    private static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = Timestamp.jsonEncoding
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
