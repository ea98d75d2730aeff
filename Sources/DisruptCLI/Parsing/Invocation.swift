import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// The context a command runs in: the console, the environment, the global options and the
/// database connection (opened on first use, once). A command's own inputs come to it typed,
/// beside this.
public final class Invocation: @unchecked Sendable {
    public let path: [String]
    public let global: GlobalOptions
    public let console: Console
    public let environment: [String: String]
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(path: [String], global: GlobalOptions, console: Console, environment: [String: String]) {
        self.path = path
        self.global = global
        self.console = console
        self.environment = environment
    }

    /// Where the database is, from `--db` and the environment.
    public var location: DatabaseLocation {
        DatabaseLocation.resolve(flag: global.db, environment: environment)
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

    /// Opens a consultation of personal data (`disrupt.consult`: the audit row with its purpose,
    /// committed first; without it the database shows staff nothing), then runs `body` in one
    /// transaction. Without `consultation`, the purpose names the command ("disrupt rank") and the
    /// scope is the command's path ("rank").
    public func reading<T>(_ consultation: Consultation? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        let db = try database()
        let scope = path.dropFirst().joined(separator: " ")
        let opened = consultation ?? Consultation(purpose: "disrupt \(scope)", scope: scope)
        return try db.consulting(opened) { try body(db) }
    }

    /// Opens the consultation of the one person `consultation`'s subject names, then runs `body`
    /// for him in one transaction; the audit log names him however he was asked for
    /// (`PostgresConnection.consulting(person:)`).
    public func reading<T>(person consultation: Consultation, _ body: (PostgresConnection, PersonReference) throws -> T) throws -> T {
        let db = try database()
        return try db.consulting(person: consultation) { person in try body(db, person) }
    }

    /// The configuration (embedded defaults, overridden by the config directory).
    public func riskModel() throws -> RiskModel {
        try ConfigurationLoader.riskModel(environment: environment)
    }

    /// The configuration, read on another thread from now: `summary` starts this first,
    /// connects, then takes the model (reading it costs several milliseconds of JSON decoding,
    /// which then overlap the connection's start-up instead of preceding it).
    func riskModelInBackground() -> BackgroundValue<RiskModel> {
        let environment = environment
        return BackgroundValue { try ConfigurationLoader.riskModel(environment: environment) }
    }
}
