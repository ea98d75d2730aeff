import DisruptCore

/// The typed inputs of the `disrupt person ...` commands.
extension PersonCommands {
    /// `person add`.
    struct Add: ParsableArguments {
        @Option(help: "The person's reference (default: the next P-000123).", valueName: "REF") var ref: String?
        @Option(help: "Family name.") var familyName: PersonName
        @Option(help: "Given name(s).") var givenName: PersonName?
        @Option(help: "Police National Computer id.", valueName: "ID") var pnc: String?
        @Option(help: "Date of birth.") var dob: Day?
        @Option(help: "male, female, other or unknown.", valueName: "G") var gender: String?
    }

    /// `person show`.
    struct Show: ParsableArguments {
        @Argument(help: "Reference, PNC id, or exact name or alias.") var person: String
        @Option(help: "Why you are reading the record (logged; default: \"person show\").") var purpose: ReasonText?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `person find`.
    struct Find: ParsableArguments {
        @Argument(help: "What to look for.") var text: String
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// `person merge`.
    struct Merge: ParsableArguments {
        @Argument(help: "The record that stays.") var keep: String
        @Argument(help: "The record merged into it.") var absorb: String
        @Option(help: "Why these are the same person (logged).") var reason: ReasonText
    }
}
