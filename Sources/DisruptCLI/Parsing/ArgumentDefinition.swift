/// One declared input of a command, made by `@Option`, `@Flag` or `@Argument`: how it is
/// written, how its values parse, and what the command gets when it is given or not. The
/// parser and the help both read it, so a declaration is written once.
public struct ArgumentDefinition: Sendable {
    /// How the input appears on the command line.
    public enum Kind: Sendable, Equatable {
        /// `--name <value>`.
        case option
        /// `--name`, no value.
        case flag
        /// A positional argument.
        case positional
    }

    /// The property the value decodes into.
    public var key: String
    public var kind: Kind
    /// `--as-of` for options and flags, `PERSON` for positionals.
    public var name: String
    public var valueName: String
    public var help: String
    /// Must be given (no default, not optional).
    public var isRequired: Bool
    /// May be given more than once; the values accumulate.
    public var isRepeatable: Bool
    /// Parses one value as typed.
    var parse: @Sendable (String) throws(InvalidValue) -> any Sendable
    /// What the command receives from the values given (in order); nil when nothing was
    /// given and nothing may stand in (a missing required input).
    var complete: @Sendable ([any Sendable]) -> (any Sendable)?

    /// The label in help and messages: `--due <YYYY-MM-DD>`, `--all`, `<PERSON>`.
    public var label: String {
        switch kind {
        case .option: "\(name) <\(valueName)>"
        case .flag: name
        case .positional: "<\(name)>"
        }
    }

    /// `asOf` -> `--as-of`.
    static func optionName(forKey key: String) -> String {
        var name = "--"
        for character in key {
            if character.isUppercase {
                name += "-" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}

/// A property wrapper that declares a command-line input (`@Option`, `@Flag`, `@Argument`).
protocol ArgumentDeclaration {
    /// The definition, given the property's name.
    func definition(key: String) -> ArgumentDefinition
}
