import Postgres

/// Runs `body` again when PostgreSQL refuses it with a serialization failure (40001: a
/// REPEATABLE READ transaction whose snapshot predates a committed change of what staff may read,
/// `caller_identity` in SQL/definitions/foundation.sql), `attempts` times in all. Any other error,
/// and the last attempt's failure, is thrown. `body` runs a whole transaction each time.
func retryingSerializationFailures<T>(attempts: Int, _ body: () throws -> T) throws -> T {
    var attempt = 1
    while true {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == "40001" && attempt < attempts {
            attempt += 1
        }
    }
}
