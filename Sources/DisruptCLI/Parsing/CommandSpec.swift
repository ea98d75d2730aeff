/// A command of the `disrupt` CLI: its name, help text, typed inputs and either subcommands or
/// the code that runs it.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String?
    /// The declared inputs (from the command's `ParsableArguments` type), for parsing and help.
    /// Listed when asked for, not when the command tree is built: listing reflects on the
    /// type (`Mirror` and dynamic casts), and a run needs only its own command's, so start-up
    /// does not pay for every command's.
    public var definitions: [ArgumentDefinition] { listDefinitions() }
    private let listDefinitions: @Sendable () -> [ArgumentDefinition]
    public var examples: [String]
    public var subcommands: [CommandSpec]
    /// Decodes the parsed values into the command's inputs, validated; nil for a group.
    let decode: (@Sendable (ParsedValues) throws(ValidationError) -> any ParsableArguments)?
    /// Runs the command with inputs made by `decode`.
    let execute: (@Sendable (any ParsableArguments, Invocation) throws -> Int32)?

    /// A command that runs with the typed inputs `Arguments`.
    public init<Arguments: ParsableArguments>(
        _ name: String, abstract: String, discussion: String? = nil, arguments: Arguments.Type, examples: [String] = [],
        subcommands: [CommandSpec] = [], run: @escaping @Sendable (Arguments, Invocation) throws -> Int32
    ) {
        self.init(
            name: name, abstract: abstract, discussion: discussion, definitions: { Arguments.definitions }, examples: examples,
            subcommands: subcommands,
            decode: { (values: ParsedValues) throws(ValidationError) -> any ParsableArguments in try Arguments.decode(values) },
            execute: { arguments, invocation in
                guard let typed = arguments as? Arguments else {
                    preconditionFailure("\(name) was given the inputs of another command")
                }
                return try run(typed, invocation)
            })
    }

    /// A command that takes no inputs.
    public init(
        _ name: String, abstract: String, discussion: String? = nil, examples: [String] = [], subcommands: [CommandSpec] = [],
        run: @escaping @Sendable (Invocation) throws -> Int32
    ) {
        self.init(name, abstract: abstract, discussion: discussion, arguments: NoArguments.self, examples: examples,
                  subcommands: subcommands) { _, invocation in try run(invocation) }
    }

    /// A group: only subcommands.
    public init(_ name: String, abstract: String, discussion: String? = nil, examples: [String] = [], subcommands: [CommandSpec]) {
        self.init(name: name, abstract: abstract, discussion: discussion, definitions: { [] }, examples: examples, subcommands: subcommands,
                  decode: nil, execute: nil)
    }

    private init(
        name: String, abstract: String, discussion: String?, definitions: @escaping @Sendable () -> [ArgumentDefinition], examples: [String],
        subcommands: [CommandSpec], decode: (@Sendable (ParsedValues) throws(ValidationError) -> any ParsableArguments)?,
        execute: (@Sendable (any ParsableArguments, Invocation) throws -> Int32)?
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.listDefinitions = definitions
        self.examples = examples
        self.subcommands = subcommands
        self.decode = decode
        self.execute = execute
    }

    /// Whether the command runs (rather than only grouping subcommands).
    public var isRunnable: Bool { execute != nil }

    var options: [ArgumentDefinition] { definitions.filter { $0.kind != .positional } }
    var positionals: [ArgumentDefinition] { definitions.filter { $0.kind == .positional } }

    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}
