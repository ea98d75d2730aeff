import DisruptStore
import Foundation
import Postgres

/// A parsed command line ready to run: typed access to its values, the console, and the
/// database connection (opened on first use, once).
public final class Invocation: @unchecked Sendable {
    public let values: ParsedValues
    public let path: [String]
    public let console: Console
    public let environment: [String: String]
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(values: ParsedValues, path: [String], console: Console, environment: [String: String]) {
        self.values = values
        self.path = path
        self.console = console
        self.environment = environment
    }

    /// Where the database is, from `--db` and the environment.
    public var location: DatabaseLocation {
        DatabaseLocation.resolve(flag: option("--db"), environment: environment)
    }

    /// The connection for this command (the embedded cluster is started and migrated if needed).
    public func database() throws -> PostgresConnection {
        try lock.withLock {
            if let connection { return connection }
            let opened = try Database(location: location).connect()
            connection = opened
            return opened
        }
    }

    public func argument(_ name: String) -> String? { values.arguments[name] }

    /// A required positional argument (the parser has already checked it is there).
    public func requiredArgument(_ name: String) throws -> String {
        guard let value = values.arguments[name] else { throw usage("Missing expected argument '<\(name)>'") }
        return value
    }

    public func option(_ name: String) -> String? { values.options[name]?.last }
    public func options(_ name: String) -> [String] { values.options[name] ?? [] }
    public func flag(_ name: String) -> Bool { values.flags.contains(name) }

    /// `--format`, or the first choice of the command's format option.
    public func format(default fallback: String = "text") -> String { option("--format") ?? fallback }

    public func int(_ name: String) throws -> Int? {
        guard let text = option(name) else { return nil }
        guard let value = Int(text) else { throw usage("The value '\(text)' is invalid for '\(name)': expected a whole number") }
        return value
    }

    /// A usage error for this command (exit code 2).
    public func usage(_ message: String) -> UsageError {
        UsageError(message: message, commandPath: path)
    }
}

extension Invocation {
    /// An option the parser has already checked is present (declared `required:`).
    public func requiredOption(_ name: String) throws -> String {
        guard let value = option(name) else { throw usage("Missing expected option '\(name)'") }
        return value
    }
}
