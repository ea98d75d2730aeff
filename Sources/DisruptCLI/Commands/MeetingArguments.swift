import DisruptCore

/// The typed inputs of the `disrupt meeting ...` commands.
extension MeetingCommands {
    /// Which forum a meeting is.
    enum Forum: String, CaseIterable, ExpressibleByArgument {
        case marac, matac, mappa
    }

    /// An invited agency's attendance.
    enum Attendance: String, CaseIterable, ExpressibleByArgument {
        case present
        case apologiesSent = "apologies_sent"
        case absent
    }

    /// A research return's status.
    enum ResearchStatus: String, CaseIterable, ExpressibleByArgument {
        case submitted
        case nothingHeld = "nothing_held"
        case notSubmitted = "not_submitted"
    }

    /// `--format` of `meeting minutes`.
    enum MinutesFormat: String, CaseIterable, ExpressibleByArgument {
        case markdown, html, json, text
    }

    /// `meeting plan`.
    struct Plan: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference, e.g. MARAC-2026-12-03.") var meeting: NonBlankText
        @Option(help: "marac, matac or mappa (a new meeting).") var forum: Forum?
        @Option(help: "MAPPA level 2 or 3 (a MAPPA meeting).", valueName: "N") var mappaLevel: Int?
        @Option(name: "--on", help: "The day of the meeting (today or later).") var heldOn: Day?
        @Option(help: "The area the meeting covers.", valueName: "AREA") var area: String?
        @Option(help: "The chair (a chair or coordinator).", valueName: "LOGIN") var chair: String?
        @Option(help: "Length in minutes (default 120).", valueName: "MINUTES") var length: Int?
        @Option(help: "An agency to invite (repeat for each).", valueName: "AGENCY") var invite: [Agency]
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            if let mappaLevel, ![2, 3].contains(mappaLevel) { throw ValidationError("--mappa-level must be 2 or 3") }
            if let length, !(15...720).contains(length) { throw ValidationError("--length must be 15 to 720 minutes") }
        }
    }

    /// `meeting show`, `meeting close`, `meeting case list`.
    struct Named: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `meeting list`.
    struct List: ParsableArguments {
        @Option(help: "Only this forum's meetings.") var forum: Forum?
        @Option(help: "planned, closed or all (default).", valueName: "STATUS") var status: String?
        @Option(help: "Only meetings on or after this day.") var from: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            if let status, !["planned", "closed", "all"].contains(status) { throw ValidationError("--status must be planned, closed or all") }
        }
    }

    /// `meeting attend`.
    struct Attend: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Argument(name: "AGENCY", help: "The invited agency.") var agency: Agency
        @Option(name: "--as", help: "present, apologies_sent (apologies, information sent) or absent.", valueName: "ATTENDANCE") var attendance: Attendance
        @Option(help: "Who represented the agency.", valueName: "NAME") var representative: String?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `meeting case add`.
    struct CaseAdd: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Option(help: "A Marac referral's reference (repeat for several about one victim).", valueName: "REF") var referral: [String]
        @Option(help: "The perpetrator (MATAC, MAPPA): his reference.", valueName: "PERSON") var person: String?
        @Option(name: "--case", help: "An open case to hear again.", valueName: "CASE") var caseRef: String?
        @Option(help: "The victim's Idva.", valueName: "LOGIN") var idva: String?
        @Flag(help: "A new case is visible to your agency only.") var restricted: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            let named = (referral.isEmpty ? 0 : 1) + (person == nil ? 0 : 1) + (caseRef == nil ? 0 : 1)
            guard named == 1 else { throw ValidationError("Name the case with one of --referral, --person or --case") }
        }
    }

    /// `meeting research`.
    struct Research: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Argument(name: "CASE", help: "The case's reference.") var caseRef: String
        @Option(help: "submitted, nothing_held or not_submitted.") var status: ResearchStatus
        @Option(help: "What your agency holds (required with submitted).", valueName: "TEXT") var note: String?
        @Option(help: "The agency (admins only; default: yours).") var agency: Agency?
    }

    /// `meeting hear`.
    struct Hear: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Argument(name: "CASE", help: "The case's reference.") var caseRef: String
    }

    /// `meeting decide`.
    struct Decide: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Argument(name: "CASE", help: "The case's reference.") var caseRef: String
        @Option(help: "What the meeting decided.", valueName: "TEXT") var text: ReasonText
        @Flag(help: "Only your agency (and admins) may see it, in the agenda and the minutes.") var restricted: Bool
    }

    /// `meeting agree`.
    struct Agree: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Argument(name: "CASE", help: "The case's reference.") var caseRef: String
        @Option(help: "The plan action the meeting agreed.", valueName: "ID") var action: RecordID
    }

    /// `meeting agenda`.
    struct AgendaArguments: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Option(help: StandardHelp.format) var format: AgendaFormat = .text
    }

    /// `meeting minutes`.
    struct Minutes: ParsableArguments {
        @Argument(name: "MEETING", help: "The meeting's reference.") var meeting: String
        @Option(help: "The agency whose copy to produce (default: your own view).") var agency: Agency?
        @Option(help: "Why (logged; default: minutes of MEETING).", valueName: "TEXT") var purpose: ReasonText?
        @Option(help: "A recipient the minutes are sent to (repeat for each): logged as a disclosure.", valueName: "WHO") var sendTo: [String]
        @Option(help: "Output format (default: markdown).", valueName: "FORMAT") var format: MinutesFormat = .markdown
        @Option(help: "Write to this file (private, replaced atomically) instead of standard output.", valueName: "FILE") var out: String?
    }

    /// `meeting waiting`.
    struct Waiting: ParsableArguments {
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}
