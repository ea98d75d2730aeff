@testable import DisruptCLI
import DisruptCore
import Testing

@Suite("Argument parsing")
struct ArgumentParserTests {
    /// The inputs of the test tool's `person show`: one of each kind the parser knows.
    struct Show: ParsableArguments {
        @Argument(name: "PERSON", help: "Who.") var person: String
        @Option(help: "When.", valueName: "D") var asOf: Day?
        @Option(help: "Output format (default: text).") var format: TextOrJSON = .text
        @Flag(help: "Everything.") var all: Bool
        @Option(help: "Why.") var purpose: String
        @Option(help: "A tag (repeatable).") var tag: [String]
        @Option(help: "How many.") var limit: Int = 10

        func validate() throws(ValidationError) {
            if limit > 100 { throw ValidationError("--limit must be at most 100") }
        }
    }

    static let root = CommandSpec(
        "tool", abstract: "A tool.",
        subcommands: [
            CommandSpec("person", abstract: "People.", subcommands: [
                CommandSpec("show", abstract: "Show a person.", arguments: Show.self, examples: ["tool person show P-1 --purpose x"]) { _, _ in 0 },
            ]),
        ]
    )
    let parser = ArgumentParser(root: root)

    func parsed(_ arguments: [String]) throws -> (show: Show, global: GlobalOptions) {
        guard case .run(_, _, let inputs, let global) = try parser.parse(arguments), let show = inputs as? Show else {
            Issue.record("expected a command to run")
            throw UsageError(message: "not a run", commandPath: [])
        }
        return (show, global)
    }

    @Test func optionsFlagsAndArgumentsArriveTyped() throws {
        let show = try parsed(["person", "show", "P-1", "--as-of", "2026-01-02", "--all", "--format=json", "--purpose", "Marac 14"]).show
        #expect(show.person == "P-1")
        #expect(show.asOf == Day(iso: "2026-01-02"))
        #expect(show.format == .json)
        #expect(show.purpose == "Marac 14")
        #expect(show.all)
        #expect(show.tag.isEmpty)
        #expect(show.limit == 10)
    }

    @Test func defaultsOptionalsAndRepeatedValues() throws {
        let show = try parsed(["person", "show", "P-1", "--purpose", "x", "--tag", "a", "--tag=b", "--limit", "3"]).show
        #expect(show.asOf == nil)
        #expect(show.format == .text)
        #expect(!show.all)
        #expect(show.tag == ["a", "b"])
        #expect(show.limit == 3)
    }

    @Test func doubleDashEndsOptions() throws {
        #expect(try parsed(["person", "show", "--purpose", "x", "--", "--not-an-option"]).show.person == "--not-an-option")
    }

    @Test func globalDatabaseOptionIsAcceptedBeforeOrAfterTheSubcommand() throws {
        for form in [["person", "show", "P-1", "--purpose", "x", "--db", "postgresql:///x"],
                     ["--db", "postgresql:///x", "person", "show", "P-1", "--purpose", "x"],
                     ["person", "--db=postgresql:///x", "show", "P-1", "--purpose", "x"]] {
            let result = try parsed(form)
            #expect(result.global.db == "postgresql:///x", "\(form)")
            #expect(result.show.person == "P-1")
        }
        #expect(try parsed(["person", "show", "P-1", "--purpose", "x"]).global.db == nil)
    }

    @Test("usage errors name the problem", arguments: [
        (["person", "show", "P-1", "--purpose", "x", "--foo"], "Unknown option '--foo'"),
        (["person", "show", "--purpose", "x"], "Missing expected argument '<PERSON>'"),
        (["person", "show", "P-1"], "Missing expected option '--purpose <TEXT>'"),
        (["person", "show", "P-1", "--purpose"], "Missing value for option '--purpose <TEXT>'"),
        (["person", "show", "P-1", "--purpose", "x", "--format", "xml"], "The value 'xml' is invalid for '--format': choose one of text, json"),
        (["person", "show", "P-1", "--purpose", "x", "--as-of", "2026-02-30"], "The value '2026-02-30' is invalid for '--as-of': expected a real date as YYYY-MM-DD"),
        (["person", "show", "P-1", "--purpose", "x", "--limit", "ten"], "The value 'ten' is invalid for '--limit': expected a whole number"),
        (["person", "show", "P-1", "--purpose", "x", "--limit", "101"], "--limit must be at most 100"),
        (["person", "show", "P-1", "P-2", "--purpose", "x"], "Unexpected argument 'P-2'"),
        (["person", "show", "P-1", "--purpose", "x", "--all=yes"], "Option '--all' takes no value"),
        (["person", "show", "P-1", "--purpose", "x", "--purpose", "y"], "Option '--purpose' was given more than once"),
        (["persn"], "Unknown command 'persn'"),
        (["persn", "--help"], "Unknown command 'persn'"),
        (["person", "shw", "-h"], "Unknown command 'shw' for 'tool person'"),
        (["person"], "Missing command: choose one of show"),
        (["help", "persn"], "Unknown command 'persn'"),
        (["person", "help", "shw"], "Unknown command 'shw'"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError.self) { try parser.parse(arguments) }
        do {
            _ = try parser.parse(arguments)
        } catch {
            #expect(error.message.hasPrefix(message), "got: \(error.message)")
        }
    }

    @Test func usageErrorsNameTheCommandTheyWereMadeIn() {
        do {
            _ = try parser.parse(["--db", "x", "person", "show", "P-1", "--bad"])
            Issue.record("expected a usage error")
        } catch {
            #expect(error.commandPath == ["tool", "person", "show"])
        }
    }

    @Test func helpIsTheSameThreeWays() throws {
        let forms = [["person", "show", "--help"], ["person", "show", "-h"], ["help", "person", "show"], ["person", "help", "show"],
                     ["--db", "x", "person", "show", "-h"]]
        for form in forms {
            guard case .help(let command, let path) = try parser.parse(form) else {
                Issue.record("\(form) should ask for help")
                continue
            }
            #expect(command.name == "show")
            #expect(path == ["tool", "person", "show"])
        }
    }

    @Test func helpHasTheStandardSectionsFromTheDeclarations() {
        let text = HelpFormatter.help(for: Self.root.subcommands[0].subcommands[0], path: ["tool", "person", "show"])
        for section in ["OVERVIEW:", "USAGE: tool person show <PERSON> [--as-of <D>] [--format <text|json>] [--all] --purpose <TEXT> [--tag <TEXT> ...]",
                        "ARGUMENTS:", "OPTIONS:", "EXAMPLES:", "--purpose <TEXT>", "(required)", "--db <URL>"] {
            #expect(text.contains(section), "help lacks \(section)")
        }
    }

    @Test func versionAndTopLevelHelp() throws {
        guard case .version = try parser.parse(["--version"]) else { Issue.record("--version"); return }
        guard case .help = try parser.parse([]) else { Issue.record("no arguments shows help"); return }
    }

    @Test func optionNamesAreThePropertiesInKebabCase() {
        #expect(Show.definitions.map(\.label) == ["<PERSON>", "--as-of <D>", "--format <text|json>", "--all", "--purpose <TEXT>", "--tag <TEXT>", "--limit <N>"])
    }

    @Test func everyRealCommandHasHelpWithAnExample() {
        func visit(_ command: CommandSpec, _ path: [String]) {
            if command.isRunnable {
                #expect(!command.examples.isEmpty, "\(path.joined(separator: " ")) has no example")
            }
            for sub in command.subcommands { visit(sub, path + [sub.name]) }
        }
        visit(RootCommand.spec, ["disrupt"])
    }

    @Test func noRealCommandDeclaresAnOptionTwice() {
        func visit(_ command: CommandSpec, _ path: [String]) {
            let names = (command.definitions + GlobalOptions.definitions).filter { $0.kind != .positional }.map(\.name)
            #expect(Set(names).count == names.count, "\(path.joined(separator: " ")) repeats an option name")
            for sub in command.subcommands { visit(sub, path + [sub.name]) }
        }
        visit(RootCommand.spec, ["disrupt"])
    }
}
