import Postgres

extension PostgresConnection {
    /// Runs `body` in a transaction with `search_path` pinned to `pg_catalog`, telling it whether
    /// the connection's role is a superuser: for what only a superuser may make in a database and
    /// every migrate makes again or reports (`StatisticsLock`, `SchemaChangeGuard`).
    func superuserTransaction<T>(_ body: (_ isSuperuser: Bool) throws -> T) throws -> T {
        try transaction {
            try execute("SET LOCAL search_path = pg_catalog, pg_temp")
            let superuser = try query("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")
                .first?.decode("rolsuper", as: Bool.self) ?? false
            return try body(superuser)
        }
    }
}
