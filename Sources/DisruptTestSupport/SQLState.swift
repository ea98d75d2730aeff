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

/// The database error `body` threw, nil when it threw none (or something else): for a test that
/// compares the whole refusal (message, detail, hint), not only its SQLSTATE.
public func failure(_ body: () throws -> Void) -> PostgresError? {
    do { try body() } catch let error as PostgresError { return error } catch {}
    return nil
}
