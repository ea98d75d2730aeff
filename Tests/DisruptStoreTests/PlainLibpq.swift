import CLibPQ
import Postgres

/// A connection as `login` through plain libpq, nothing of disrupt's in between, as psql or any
/// other client would open one: for the attacks that need the protocol itself (statements
/// prepared by name, portals). The caller finishes it (`PQfinish`).
func plainLibpqConnection(_ fixture: SecurityFixture, as login: String) throws -> OpaquePointer {
    let conn = PQconnectdb(fixture.location.asUser(login).testURL)
    guard let conn, PQstatus(conn) == CONNECTION_OK else {
        let reason = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
        PQfinish(conn)
        throw PostgresError(code: .connectionFailed, message: "PQconnectdb as \(login): \(reason)")
    }
    return conn
}

/// The SQLSTATE ("" when it succeeded) and primary message of a libpq result; frees the result.
func outcome(ofLibpqResult result: OpaquePointer?) -> (state: String, message: String) {
    defer { PQclear(result) }
    func field(_ code: Character) -> String {
        PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) } ?? ""
    }
    return (field("C"), field("M"))
}

/// The SQLSTATE of a libpq result ("" when it succeeded); frees the result.
func sqlState(ofLibpqResult result: OpaquePointer?) -> String {
    outcome(ofLibpqResult: result).state
}
