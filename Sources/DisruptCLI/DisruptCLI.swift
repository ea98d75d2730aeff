import DisruptStore
import Foundation
import Postgres

/// The `disrupt` command line: parses, runs the command, and turns every error into a
/// message and a documented exit code (0 ok, 1 failure, 2 usage, 3 not found, 4 permission
/// denied, 5 conflict).
public enum DisruptCLI {
    public static let version = "0.1.0"

    /// The process entry point: reads the real argv (refusing arguments that are not valid
    /// UTF-8 rather than silently altering them) and returns the exit code.
    public static func main() -> Int32 {
        var arguments: [String] = []
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            guard let argument = String(validatingCString: pointer) else {
                FileHandle.standardError.write(Data("Error: argument \(index) is not valid UTF-8; disrupt stores text exactly as given, so it refuses it.\n".utf8))
                return 2
            }
            arguments.append(argument)
        }
        let environment = ProcessInfo.processInfo.environment
        return run(arguments, environment: environment, console: .standard(environment: environment))
    }

    /// Runs one command line. Tests call this in-process with their own console.
    public static func run(_ arguments: [String], environment: [String: String], console: Console) -> Int32 {
        let parser = ArgumentParser(root: RootCommand.spec)
        do {
            switch try parser.parse(arguments) {
            case .version:
                console.print("disrupt \(version)")
                return 0
            case .help(let command, let path):
                console.print(HelpFormatter.help(for: command, path: path))
                return 0
            case .run(let command, let path, let arguments, let global):
                let invocation = Invocation(path: path, global: global, console: console, environment: environment)
                return try command.execute!(arguments, invocation)
            }
        } catch {
            return report(error, parser: parser, console: console)
        }
    }

    static func report(_ error: Error, parser: ArgumentParser, console: Console) -> Int32 {
        switch error {
        case let usage as UsageError:
            console.error("Error: \(usage.message)")
            if let command = find(usage.commandPath, in: parser.root) {
                console.error("Usage: \(HelpFormatter.usage(for: command, path: usage.commandPath))")
            }
            console.error("  See '\(usage.commandPath.joined(separator: " ")) --help' for more information.")
            return 2
        case let store as StoreError:
            console.error("Error: \(store.message)")
            if let hint = store.hint { console.error(hint) }
            return store.kind.rawValue
        case let postgres as PostgresError:
            let mapped = ErrorMapping.map(postgres)
            console.error("Error: \(mapped.message)")
            if let hint = mapped.hint { console.error(hint) }
            return mapped.kind.rawValue
        case let decoding as PostgresDecodingError:
            console.error("Error: unexpected data from the database: \(decoding.description)")
            return 1
        default:
            console.error("Error: \(error)")
            return 1
        }
    }

    private static func find(_ path: [String], in root: CommandSpec) -> CommandSpec? {
        var command = root
        for name in path.dropFirst() {
            guard let sub = command.subcommand(named: name) else { return nil }
            command = sub
        }
        return command
    }
}
