/// Renders a command's help in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS,
/// OPTIONS, SUBCOMMANDS, EXAMPLES (and EXIT CODES at the top level).
enum HelpFormatter {
    static func help(for command: CommandSpec, path: [String]) -> String {
        var text = "OVERVIEW: \(command.abstract)\n"
        if let discussion = command.discussion { text += "\n\(discussion)\n" }
        text += "\nUSAGE: \(usage(for: command, path: path))\n"
        if !command.positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            for argument in command.positionals {
                text += row(argument.label, argument.help + (argument.isRequired ? "" : " (optional)"))
            }
        }
        text += "\nOPTIONS:\n"
        for option in command.options + GlobalOptions.definitions {
            text += row(option.label, option.help + (option.isRequired ? " (required)" : ""))
        }
        if path.count == 1 { text += row("--version", "Show the version.") }
        text += row("-h, --help", "Show help information.")
        if !command.subcommands.isEmpty {
            text += "\nSUBCOMMANDS:\n"
            for sub in command.subcommands { text += row(sub.name, sub.abstract) }
            text += "\n  See '\((path + ["help"]).joined(separator: " ")) <subcommand>' for detailed help.\n"
        }
        if !command.examples.isEmpty {
            text += "\nEXAMPLES:\n"
            for example in command.examples { text += "  \(example)\n" }
        }
        if path.count == 1 {
            text += """

                EXIT CODES:
                  0  success            3  not found
                  1  failure            4  permission denied
                  2  usage error        5  conflict (stale update, duplicate)

                """
        }
        return text
    }

    static func usage(for command: CommandSpec, path: [String]) -> String {
        var parts = [path.joined(separator: " ")]
        if !command.subcommands.isEmpty && !command.isRunnable {
            parts.append("<subcommand>")
        }
        for input in command.positionals + command.options {
            let body = input.label + (input.isRepeatable ? " ..." : "")
            parts.append(input.isRequired ? body : "[\(body)]")
        }
        return parts.joined(separator: " ")
    }

    private static func row(_ label: String, _ help: String) -> String {
        let padded = label.count < 24 ? label + String(repeating: " ", count: 24 - label.count) : label + "\n" + String(repeating: " ", count: 26)
        return "  \(padded)\(help)\n"
    }
}
