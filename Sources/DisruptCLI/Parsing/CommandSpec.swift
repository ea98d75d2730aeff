/// A command of the `disrupt` CLI: its name, help text, arguments, options and either
/// subcommands or the code that runs it.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String?
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var examples: [String]
    public var subcommands: [CommandSpec]
    public var run: (@Sendable (Invocation) throws -> Int32)?

    public init(
        _ name: String, abstract: String, discussion: String? = nil, arguments: [ArgumentSpec] = [],
        options: [OptionSpec] = [], examples: [String] = [], subcommands: [CommandSpec] = [],
        run: (@Sendable (Invocation) throws -> Int32)? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.examples = examples
        self.subcommands = subcommands
        self.run = run
    }

    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var help: String
    public var isOptional: Bool

    public init(_ name: String, help: String, optional: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = optional
    }
}

/// An option (`--as-of D`) or a flag (`--dry-run`).
public struct OptionSpec: Sendable {
    public var name: String
    public var valueName: String?
    public var help: String
    public var isRequired: Bool
    /// When set, the only values accepted.
    public var allowedValues: [String]?
    /// May be given more than once (values accumulate).
    public var isRepeatable: Bool

    /// An option that takes a value.
    public static func option(_ name: String, _ valueName: String, _ help: String, required: Bool = false, allowed: [String]? = nil, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, isRequired: required, allowedValues: allowed, isRepeatable: repeatable)
    }

    /// A flag that takes no value.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, isRequired: false, allowedValues: nil, isRepeatable: false)
    }

    /// `--format` with the given choices; the first is the default.
    public static func format(_ choices: [String]) -> OptionSpec {
        .option("--format", choices.joined(separator: "|"), "Output format (default: \(choices[0])).", allowed: choices)
    }

    public var takesValue: Bool { valueName != nil }
}
