import CLibPQ
import Postgres

/// A connection as `login` through plain libpq, nothing of disrupt's in between, as psql or any
/// other client would open one: for the attacks that need the protocol itself (statements
/// prepared by name, portals). The caller finishes it (`PQfinish`).
func plainLibpqConnection(_ fixture: SecurityFixture, as login: String) throws -> OpaquePointer {
    guard let conn = PQconnectdb(fixture.location.asUser(login).testURL), PQstatus(conn) == CONNECTION_OK else {
        throw PostgresError(code: .connectionFailed, message: "PQconnectdb as \(login)")
    }
    return conn
}

/// The SQLSTATE of a libpq result ("" when it succeeded); frees the result.
func sqlState(ofLibpqResult result: OpaquePointer?) -> String {
    defer { PQclear(result) }
    return PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
}
