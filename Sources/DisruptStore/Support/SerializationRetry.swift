import Postgres

/// Runs `body` again when PostgreSQL refuses it with a serialization failure (40001: a
/// REPEATABLE READ transaction whose snapshot predates a committed change of what staff may read,
/// `caller_identity` in SQL/definitions/foundation.sql), `attempts` times in all. Any other error,
/// and the last attempt's failure, is thrown. `body` runs a whole transaction each time.
func retryingSerializationFailures<T>(attempts: Int, _ body: () throws -> T) throws -> T {
    try retrying(sqlState: "40001", attempts: attempts, body)
}

/// Runs `body` again when PostgreSQL refuses it with `sqlState`, `attempts` times in all; any
/// other error, and the last attempt's failure, is thrown. `body` runs a whole transaction each time.
func retrying<T>(sqlState: String, attempts: Int, _ body: () throws -> T) throws -> T {
    var attempt = 1
    while true {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == sqlState && attempt < attempts {
            attempt += 1
        }
    }
}
