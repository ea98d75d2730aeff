import Postgres

/// The SQLSTATE of the database error `body` threw (`client:<code>` for an error of the client
/// library itself, `other:<error>` for anything else), or nil when it did not throw: what a test
/// compares with the refusal it expects.
public func sqlState(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as PostgresError {
        return error.sqlState ?? "client:\(error.code)"
    } catch {
        return "other:\(error)"
    }
}
