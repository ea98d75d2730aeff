/// What the parser made of a command line.
public enum ParsedCommandLine: Sendable {
    /// Run `command` (found at `path`) with these values.
    case run(command: CommandSpec, path: [String], values: ParsedValues)
    /// Print the help of the command at `path`.
    case help(command: CommandSpec, path: [String])
    case version
}

/// Option values and positional arguments, by name.
public struct ParsedValues: Sendable, Equatable {
    public var options: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var arguments: [String: String] = [:]
}

/// Options every command accepts.
enum GlobalOptions {
    static let database = OptionSpec.option("--db", "URL", "The database (default: DISRUPT_DATABASE_URL, the libpq environment, or the embedded database).")
    static let all: [OptionSpec] = [database]
}

/// Parses `disrupt <group> <command> [arguments] [--options]` against a tree of
/// `CommandSpec`s: `--name value` and `--name=value`, flags, `--` to end options, `-h`,
/// `--help` and `help <command>` for help, `--version` at the top.
public struct ArgumentParser: Sendable {
    public let root: CommandSpec

    public init(root: CommandSpec) {
        self.root = root
    }

    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedCommandLine {
        var command = root
        var path = [root.name]
        var remaining = arguments[...]

        if remaining.first == "help" {
            remaining = remaining.dropFirst()
            for name in remaining {
                guard let sub = command.subcommand(named: name) else {
                    throw UsageError(message: "Unknown command '\(name)'", commandPath: path)
                }
                command = sub
                path.append(name)
            }
            return .help(command: command, path: path)
        }
        if remaining.first == "--version" { return .version }

        while let next = remaining.first, let sub = command.subcommand(named: next) {
            command = sub
            path.append(next)
            remaining = remaining.dropFirst()
        }
        if remaining.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(command: command, path: path)
        }
        guard command.run != nil else {
            if let next = remaining.first, !next.hasPrefix("-") {
                throw UsageError(message: "Unknown command '\(next)' for '\(path.joined(separator: " "))'", commandPath: path)
            }
            if remaining.isEmpty && path.count == 1 { return .help(command: command, path: path) }
            throw UsageError(message: "Missing command: choose one of \(command.subcommands.map(\.name).joined(separator: ", "))", commandPath: path)
        }
        let values = try parseValues(Array(remaining), for: command, path: path)
        return .run(command: command, path: path, values: values)
    }

    private func parseValues(_ tokens: [String], for command: CommandSpec, path: [String]) throws(UsageError) -> ParsedValues {
        var values = ParsedValues()
        var positionals: [String] = []
        let options = command.options + GlobalOptions.all
        var index = 0
        var onlyPositionals = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if onlyPositionals || !token.hasPrefix("-") || token == "-" {
                positionals.append(token)
                continue
            }
            if token == "--" { onlyPositionals = true; continue }
            var name = token
            var inlineValue: String?
            if let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                inlineValue = String(token[token.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(message: "Unknown option '\(name)'", commandPath: path)
            }
            guard option.takesValue else {
                if inlineValue != nil { throw UsageError(message: "Option '\(name)' takes no value", commandPath: path) }
                values.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < tokens.count else {
                    throw UsageError(message: "Missing value for option '\(name) <\(option.valueName ?? "value")>'", commandPath: path)
                }
                value = tokens[index]
                index += 1
            }
            if let allowed = option.allowedValues, !allowed.contains(value) {
                throw UsageError(message: "The value '\(value)' is invalid for '\(name)': choose one of \(allowed.joined(separator: ", "))", commandPath: path)
            }
            if values.options[name] != nil && !option.isRepeatable {
                throw UsageError(message: "Option '\(name)' was given more than once", commandPath: path)
            }
            values.options[name, default: []].append(value)
        }
        for option in command.options where option.isRequired && values.options[option.name] == nil {
            throw UsageError(message: "Missing expected option '\(option.name) <\(option.valueName ?? "value")>'", commandPath: path)
        }
        for (position, argument) in command.arguments.enumerated() {
            if position < positionals.count {
                values.arguments[argument.name] = positionals[position]
            } else if !argument.isOptional {
                throw UsageError(message: "Missing expected argument '<\(argument.name)>'", commandPath: path)
            }
        }
        if positionals.count > command.arguments.count {
            throw UsageError(message: "Unexpected argument '\(positionals[command.arguments.count])'", commandPath: path)
        }
        return values
    }
}
