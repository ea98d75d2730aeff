import DisruptStore
import Postgres

/// Turns a database error into a message for the person at the terminal and an exit code.
/// disrupt's own SQL functions raise `DR403` (not allowed), `DR404` (not found), `DR409`
/// (stale update or conflict) and `DR422` (a refused change); PostgreSQL's own codes map the
/// same way where they mean the same thing.
enum ErrorMapping {
    static func map(_ error: PostgresError) -> StoreError {
        if error.isConnectionError {
            return StoreError(.failure, "the database connection failed: \(error.message)",
                              hint: "Nothing was changed by the failed step. Check the server (disrupt db status) and try again.")
        }
        let message = [error.message, error.detail].compactMap { $0 }.joined(separator: "\n")
        switch error.sqlState {
        case "DR403", "42501":
            return StoreError(.permissionDenied, "permission denied: \(message)", hint: error.hint)
        case "DR404":
            return StoreError(.notFound, message, hint: error.hint)
        case "DR409", "40001", "23505":
            return StoreError(.conflict, message, hint: error.hint)
        case "55P03":  // a row another session holds, past the function's bounded wait (bound_lock_waits)
            return StoreError(.conflict, "someone else is changing the same record and has not finished: nothing was changed",
                              hint: "try again in a moment; if it keeps happening, someone is holding a change open (\(error.message))")
        case "DR422", "22023", "23514", "23503", "23502", "22007", "22008", "22P02", "P0001":
            return StoreError(.failure, message, hint: error.hint)
        default:
            return StoreError(.failure, "database error \(error.sqlState ?? "?"): \(message)", hint: error.hint)
        }
    }
}
