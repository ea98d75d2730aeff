@testable import DisruptCLI
import Testing

@Suite("Argument parsing")
struct ArgumentParserTests {
    static let root = CommandSpec(
        "tool", abstract: "A tool.",
        subcommands: [
            CommandSpec("person", abstract: "People.", subcommands: [
                CommandSpec(
                    "show", abstract: "Show a person.",
                    arguments: [ArgumentSpec("PERSON", help: "Who.")],
                    options: [.option("--as-of", "D", "When."), .format(["text", "json"]), .flag("--all", "Everything."),
                              .option("--purpose", "TEXT", "Why.", required: true)],
                    examples: ["tool person show P-1 --purpose x"]
                ) { _ in 0 },
            ]),
        ]
    )
    let parser = ArgumentParser(root: root)

    func values(_ arguments: [String]) throws -> ParsedValues {
        guard case .run(_, _, let values) = try parser.parse(arguments) else {
            Issue.record("expected a command to run")
            return ParsedValues()
        }
        return values
    }

    @Test func optionsFlagsAndArguments() throws {
        let parsed = try values(["person", "show", "P-1", "--as-of", "2026-01-02", "--all", "--format=json", "--purpose", "Marac 14"])
        #expect(parsed.arguments["PERSON"] == "P-1")
        #expect(parsed.options["--as-of"] == ["2026-01-02"])
        #expect(parsed.options["--format"] == ["json"])
        #expect(parsed.options["--purpose"] == ["Marac 14"])
        #expect(parsed.flags == ["--all"])
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try values(["person", "show", "--purpose", "x", "--", "--not-an-option"])
        #expect(parsed.arguments["PERSON"] == "--not-an-option")
    }

    @Test func globalDatabaseOptionIsAcceptedEverywhere() throws {
        let parsed = try values(["person", "show", "P-1", "--purpose", "x", "--db", "postgresql:///x"])
        #expect(parsed.options["--db"] == ["postgresql:///x"])
    }

    @Test("usage errors name the problem", arguments: [
        (["person", "show", "P-1", "--purpose", "x", "--foo"], "Unknown option '--foo'"),
        (["person", "show", "--purpose", "x"], "Missing expected argument '<PERSON>'"),
        (["person", "show", "P-1"], "Missing expected option '--purpose <TEXT>'"),
        (["person", "show", "P-1", "--purpose"], "Missing value for option '--purpose <TEXT>'"),
        (["person", "show", "P-1", "--purpose", "x", "--format", "xml"], "The value 'xml' is invalid for '--format': choose one of text, json"),
        (["person", "show", "P-1", "P-2", "--purpose", "x"], "Unexpected argument 'P-2'"),
        (["person", "show", "P-1", "--purpose", "x", "--all=yes"], "Option '--all' takes no value"),
        (["person", "show", "P-1", "--purpose", "x", "--purpose", "y"], "Option '--purpose' was given more than once"),
        (["persn"], "Unknown command 'persn'"),
        (["person"], "Missing command: choose one of show"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError.self) { try parser.parse(arguments) }
        do {
            _ = try parser.parse(arguments)
        } catch {
            #expect(error.message.hasPrefix(message), "got: \(error.message)")
        }
    }

    @Test func helpIsTheSameThreeWays() throws {
        let forms = [["person", "show", "--help"], ["person", "show", "-h"], ["help", "person", "show"]]
        for form in forms {
            guard case .help(let command, let path) = try parser.parse(form) else {
                Issue.record("\(form) should ask for help")
                continue
            }
            #expect(command.name == "show")
            #expect(path == ["tool", "person", "show"])
        }
    }

    @Test func helpHasTheStandardSections() {
        let text = HelpFormatter.help(for: Self.root.subcommands[0].subcommands[0], path: ["tool", "person", "show"])
        for section in ["OVERVIEW:", "USAGE: tool person show <PERSON>", "ARGUMENTS:", "OPTIONS:", "EXAMPLES:", "--purpose <TEXT>", "(required)"] {
            #expect(text.contains(section), "help lacks \(section)")
        }
    }

    @Test func versionAndTopLevelHelp() throws {
        guard case .version = try parser.parse(["--version"]) else { Issue.record("--version"); return }
        guard case .help = try parser.parse([]) else { Issue.record("no arguments shows help"); return }
    }

    @Test func everyRealCommandHasHelpWithAnExample() {
        func visit(_ command: CommandSpec, _ path: [String]) {
            if command.run != nil {
                #expect(!command.examples.isEmpty, "\(path.joined(separator: " ")) has no example")
            }
            for sub in command.subcommands { visit(sub, path + [sub.name]) }
        }
        visit(RootCommand.spec, ["disrupt"])
    }
}
