import DisruptCore
import DisruptStore

/// The typed inputs of the `disrupt action ...` commands.
extension ActionCommands {
    /// `action add`.
    struct Add: ParsableArguments {
        @Argument(name: "PLAN", help: "A plan id, or a person (their open plan).") var plan: String
        @Option(help: "prosecute, disrupt, divert or manage (a tactic fixes it; needed with --label).", valueName: "HEADING")
        var heading: ActionHeading?
        @Option(help: "A tactic code from 'disrupt tactics'.", valueName: "CODE") var tactic: NonBlankText?
        @Option(help: "Instead of --tactic: a custom action, what will be done in words (at most 200 characters).", valueName: "TEXT")
        var label: NonBlankText?
        @Option(help: "The agency that owns the action.", valueName: "AGENCY") var agency: Agency
        @Option(help: "The person who owns it (active staff of that agency).", valueName: "LOGIN") var owner: String?
        @Option(help: "When it is due.") var due: Day
        @Option(help: "What was agreed.") var note: String?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard (tactic == nil) != (label == nil) else { throw ValidationError("Give either --tactic CODE or --label TEXT (one of them)") }
            if label != nil && heading == nil { throw ValidationError("A custom action (--label) needs --heading") }
        }

        /// What to add, for `TacticCatalogue.validate`.
        var proposal: ActionProposal {
            if let tactic { return .tactic(code: tactic.text, heading: heading) }
            // validate() guarantees a label and a heading here
            return .custom(label: label?.text ?? "", heading: heading ?? .manage)
        }
    }

    /// `action reassign`.
    struct Reassign: ParsableArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "The new agency (default: unchanged).", valueName: "AGENCY") var agency: Agency?
        @Option(help: "The new owner (active staff of the agency).", valueName: "LOGIN") var owner: String?
        @Option(help: "Why.") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action extend`.
    struct Extend: ParsableArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "The new due date.") var due: Day
        @Option(help: "Why.") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action safety-check`.
    struct SafetyCheck: ParsableArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "The Idva who agreed (default: you, an Idva; needed with --at-meeting).", valueName: "LOGIN") var by: NonBlankText?
        @Flag(help: "You are the chair, recording the agreement the Idva (--by) gave at the meeting.") var atMeeting: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            if atMeeting && by == nil { throw ValidationError("--at-meeting needs --by IDVA_LOGIN: the Idva who agreed at the meeting") }
        }
    }

    /// `action show`.
    struct Show: ParsableArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action list`.
    struct List: ParsableArguments {
        @Option(help: "Only this plan (id, or a person).", valueName: "PLAN") var plan: String?
        @Option(help: "Only this agency's actions.", valueName: "AGENCY") var agency: Agency?
        @Option(help: "Only this owner's actions.", valueName: "LOGIN") var owner: String?
        @Option(help: "live (default), open, in_progress, blocked, done, cancelled or all.") var status: StatusChoice = .live
        @Flag(help: "Only overdue actions.") var overdue: Bool
        @Option(help: "Only actions due within this many days of the as-of date (or overdue).", valueName: "DAYS") var dueWithin: Int?
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            if let dueWithin, dueWithin < 0 { throw ValidationError("--due-within must be 0 or more days") }
        }
    }

    /// `--status` of `action list`: live (the default), all, or one status.
    struct StatusChoice: ExpressibleByArgument {
        /// The statuses to list; nil for all.
        var statuses: [String]?

        static let live = StatusChoice(statuses: ActionFilter.live)

        private init(statuses: [String]?) {
            self.statuses = statuses
        }

        init(argument: String) throws(InvalidValue) {
            switch argument {
            case "live": self = .live
            case "all": self.init(statuses: nil)
            case let one where ActionFilter.allStatuses.contains(one): self.init(statuses: [one])
            default: throw InvalidValue(expected: "choose one of \((["live", "all"] + ActionFilter.allStatuses).joined(separator: ", "))")
            }
        }

        static var defaultValueName: String { "STATUS" }
    }

    /// What every lifecycle command takes: the action, `--version` and `--format`.
    protocol TransitionArguments: ParsableArguments {
        var action: RecordID { get }
        var version: RecordVersion? { get }
        var format: TextOrJSON { get }
    }

    /// `action start`.
    struct Change: TransitionArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action done`.
    struct Done: TransitionArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "What happened.") var outcome: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action cancel`.
    struct Cancel: TransitionArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "Why.") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `action block`.
    struct Block: TransitionArguments {
        @Argument(name: "ACTION", help: "The action id.") var action: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "What blocks it.") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}
