import DisruptCore

/// The typed inputs of the `disrupt plan ...` commands.
extension PlanCommands {
    /// `plan open`.
    struct Open: ParsableArguments {
        @Argument(name: "PERSON", help: "The perpetrator: reference, PNC id or exact name.") var person: String
        @Option(help: "The plan's single point of contact.", valueName: "LOGIN") var spoc: NonBlankText
        @Option(help: "When the forum reviews the plan.") var reviewOn: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `plan show`.
    struct Show: ParsableArguments {
        @Argument(name: "PLAN", help: "A plan id, or a person (reference, PNC id or name).") var plan: String
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `plan list`.
    struct List: ParsableArguments {
        @Option(help: "Only this SPOC's plans.", valueName: "LOGIN") var spoc: String?
        @Option(help: "Which plans (default: open).") var status: Status = .open
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `--status` of `plan list`.
    enum Status: String, CaseIterable, ExpressibleByArgument {
        case open, closed, all
    }

    /// `plan update`.
    struct Update: ParsableArguments {
        @Argument(name: "PLAN", help: "The plan id.") var plan: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "The new SPOC.", valueName: "LOGIN") var spoc: String?
        @Option(help: "The new review date.") var reviewOn: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard spoc != nil || reviewOn != nil else { throw ValidationError("Give --spoc and/or --review-on to change") }
        }
    }

    /// `plan close`.
    struct Close: ParsableArguments {
        @Argument(name: "PLAN", help: "The plan id.") var plan: RecordID
        @Option(help: StandardHelp.version) var version: RecordVersion?
        @Option(help: "Why the plan closes.") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}
