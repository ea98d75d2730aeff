/// What the parser made of a command line.
public enum ParsedCommandLine: Sendable {
    /// Run `command` (found at `path`) with its typed, validated inputs.
    case run(command: CommandSpec, path: [String], arguments: any ParsableArguments, global: GlobalOptions)
    /// Print the help of the command at `path`.
    case help(command: CommandSpec, path: [String])
    case version
}

/// Parses `disrupt [--db URL] <group> <command> [arguments] [--options]` against a tree of
/// `CommandSpec`s: `--name value` and `--name=value`, flags, `--` to end options, `-h`,
/// `--help`, `help <command>` and `<group> help <command>` for help, `--version` at the top. Every usage error (unknown
/// command or option, missing or invalid value, failed validation) is raised here.
public struct ArgumentParser: Sendable {
    public let root: CommandSpec
    let global = GlobalOptions.definitions

    public init(root: CommandSpec) {
        self.root = root
    }

    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedCommandLine {
        if arguments.first == "help" { return try help(Array(arguments.dropFirst()), from: root, path: [root.name]) }
        var command = root
        var path = [root.name]
        var globals: [String] = []
        var index = 0
        // Walk down the subcommands, taking global options met on the way.
        while index < arguments.count, arguments[index] != "--" {
            let token = arguments[index]
            if let option = global.first(where: { token == $0.name || token.hasPrefix($0.name + "=") }) {
                let taken = option.kind == .option && token == option.name ? 2 : 1
                globals += arguments[index..<min(index + taken, arguments.count)]
                index += taken
            } else if let sub = command.subcommand(named: token) {
                command = sub
                path.append(token)
                index += 1
            } else if token == "help", !command.subcommands.isEmpty, command.positionals.isEmpty {
                // `disrupt db help status`, as the SUBCOMMANDS section of `disrupt db --help` suggests
                return try help(Array(arguments[(index + 1)...]), from: command, path: path)
            } else {
                break
            }
        }
        let rest = arguments[index...]
        if path.count == 1 && rest.first == "--version" { return .version }
        if let next = rest.first, !next.hasPrefix("-"), !command.subcommands.isEmpty, command.positionals.isEmpty {
            throw UsageError(message: "Unknown command '\(next)' for '\(path.joined(separator: " "))'", commandPath: path)
        }
        if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(command: command, path: path)
        }
        guard let decode = command.decode else {
            if rest.isEmpty && globals.isEmpty && path.count == 1 { return .help(command: command, path: path) }
            throw UsageError(message: "Missing command: choose one of \(command.subcommands.map(\.name).joined(separator: ", "))", commandPath: path)
        }
        let values = try parseValues(globals + rest, for: command.definitions, path: path)
        do {
            return .run(command: command, path: path, arguments: try decode(values.command),
                        global: try GlobalOptions.decode(values.global))
        } catch {
            throw UsageError(message: error.message, commandPath: path)
        }
    }

    /// `help <command> ...`, the names taken below `start` (found at `path`).
    private func help(_ names: [String], from start: CommandSpec, path startPath: [String]) throws(UsageError) -> ParsedCommandLine {
        var command = start
        var path = startPath
        for name in names {
            guard let sub = command.subcommand(named: name) else {
                throw UsageError(message: "Unknown command '\(name)'", commandPath: path)
            }
            command = sub
            path.append(name)
        }
        return .help(command: command, path: path)
    }

    /// Matches tokens to the command's and the global definitions, parses each value, and
    /// completes every definition (defaults, optionals, missing required inputs).
    private func parseValues(_ tokens: [String], for definitions: [ArgumentDefinition], path: [String])
        throws(UsageError) -> (command: ParsedValues, global: ParsedValues)
    {
        let all = definitions + global
        var given = [[any Sendable]](repeating: [], count: all.count)
        let positionals = all.indices.filter { all[$0].kind == .positional }
        var position = 0
        var index = 0
        var onlyPositionals = false

        func parsed(_ text: String, _ definition: ArgumentDefinition) throws(UsageError) -> any Sendable {
            do {
                return try definition.parse(text)
            } catch {
                let label = definition.kind == .positional ? definition.label : definition.name
                throw UsageError(message: error.message(value: text, label: label), commandPath: path)
            }
        }

        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if onlyPositionals || !token.hasPrefix("-") || token == "-" {
                guard position < positionals.count else {
                    throw UsageError(message: "Unexpected argument '\(token)'", commandPath: path)
                }
                let target = positionals[position]
                given[target].append(try parsed(token, all[target]))
                position += 1
                continue
            }
            if token == "--" { onlyPositionals = true; continue }
            var name = token
            var inlineValue: String?
            if let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                inlineValue = String(token[token.index(after: equals)...])
            }
            guard let target = all.firstIndex(where: { $0.kind != .positional && $0.name == name }) else {
                throw UsageError(message: "Unknown option '\(name)'", commandPath: path)
            }
            let definition = all[target]
            guard definition.kind == .option else {
                if inlineValue != nil { throw UsageError(message: "Option '\(name)' takes no value", commandPath: path) }
                given[target].append(true)
                continue
            }
            if !given[target].isEmpty && !definition.isRepeatable {
                throw UsageError(message: "Option '\(name)' was given more than once", commandPath: path)
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < tokens.count else {
                    throw UsageError(message: "Missing value for option '\(definition.label)'", commandPath: path)
                }
                value = tokens[index]
                index += 1
            }
            given[target].append(try parsed(value, definition))
        }

        var command = ParsedValues(), globalValues = ParsedValues()
        for (offset, definition) in all.enumerated() {
            guard let value = definition.complete(given[offset]) else {
                let what = definition.kind == .positional ? "argument" : "option"
                throw UsageError(message: "Missing expected \(what) '\(definition.label)'", commandPath: path)
            }
            if offset < definitions.count {
                command[definition.key] = value
            } else {
                globalValues[definition.key] = value
            }
        }
        return (command, globalValues)
    }
}
