import CLibPQ
import Foundation

/// One connection to PostgreSQL through libpq, used synchronously.
///
/// `@unchecked Sendable` because libpq's rule is one thread at a time on a `PGconn`: every use
/// of `handle` happens while holding `lock`, a recursive lock so a transaction's body can run
/// queries on the same connection while other threads wait for the whole transaction.
public final class PostgresConnection: @unchecked Sendable {
    let lock = NSRecursiveLock()
    var handle: OpaquePointer?
    let configuration: PostgresConfiguration
    var transactionDepth = 0

    /// Connects, or throws `PostgresError` with code `.connectionFailed`. The error carries
    /// libpq's message, which names the host or socket but never the password.
    public init(_ configuration: PostgresConfiguration) throws {
        self.configuration = configuration
        handle = try Self.open(configuration)
        try applySessionSettings()
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    private static func open(_ configuration: PostgresConfiguration) throws -> OpaquePointer {
        var pairs: [(String, String)] = [
            ("fallback_application_name", "disrupt"),
            ("connect_timeout", "10"),
            ("client_encoding", "UTF8"),
        ]
        pairs += configuration.defaults.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let connectionString = configuration.connectionString { pairs.append(("dbname", connectionString)) }
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keys + values).forEach { free($0) } }
        var keyPointers: [UnsafePointer<CChar>?] = keys.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(&keyPointers, &valuePointers, 1) else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(code: .connectionFailed, message: message.isEmpty ? "could not connect to PostgreSQL" : message)
        }
        // libpq prints server NOTICEs to stderr by default; they may quote values, and
        // output belongs to the program, so drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return connection
    }

    private func applySessionSettings() throws {
        var names = ["DateStyle", "TimeZone", "IntervalStyle"]
        var values = ["ISO", "UTC", "iso_8601"]
        for setting in configuration.sessionSettings {
            names.append(setting.name)
            values.append(setting.value)
        }
        _ = try query("SELECT set_config(name, value, false) FROM unnest(\(names)::text[], \(values)::text[]) AS s(name, value)")
    }

    /// A new connection with this one's configuration (the same login and session settings):
    /// for work split across threads, since one connection serves one thread at a time.
    public func openAnother() throws -> PostgresConnection {
        try PostgresConnection(configuration)
    }

    /// True while the connection is established.
    public var isConnected: Bool {
        lock.withLock { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }
    }

    /// Drops the current connection (if any) and connects again with the same configuration.
    public func reconnect() throws {
        try lock.withLock {
            if let handle { PQfinish(handle) }
            handle = nil
            transactionDepth = 0
            handle = try Self.open(configuration)
            try applySessionSettings()
        }
    }

    /// Closes the connection. Later use throws `.closed`.
    public func close() {
        lock.withLock {
            if let handle { PQfinish(handle) }
            handle = nil
        }
    }

    func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(code: .closed, message: "the connection is closed") }
        return handle
    }
}
