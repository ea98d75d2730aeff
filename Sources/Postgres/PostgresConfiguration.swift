/// Where and how to connect. Values reach libpq untouched (TLS options such as `sslmode`,
/// `sslrootcert`, `sslcert` included) through `PQconnectdbParams`: nothing is concatenated
/// into a conninfo string, so no quoting can go wrong.
public struct PostgresConfiguration: Sendable {
    /// A `postgresql://` URL or a `key=value` conninfo string; `nil` for the libpq environment
    /// (`PGHOST`, `PGDATABASE`, `PGUSER`, `PGSSLMODE`, ...) and its defaults.
    public var connectionString: String?
    /// Extra libpq keywords, applied before `connectionString`, which overrides them.
    public var defaults: [String: String]
    /// Session settings applied right after connecting (`search_path`, ...), in one round trip.
    public var sessionSettings: [(name: String, value: String)]

    public init(connectionString: String? = nil, defaults: [String: String] = [:], sessionSettings: [(name: String, value: String)] = []) {
        self.connectionString = connectionString
        self.defaults = defaults
        self.sessionSettings = sessionSettings
    }
}
