import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Connections, transactions, COPY, errors")
struct ConnectionTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("conn")
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(location.configuration)
    }

    struct Planned: Error {}

    @Test func transactionCommitsOnReturnAndRollsBackOnThrow() throws {
        let db = try connect()
        try db.execute("CREATE TABLE t (v int)")
        try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: Planned.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Planned()
            }
        }
        let values = try db.query("SELECT v FROM t ORDER BY v").map { try $0.decode("v", as: Int.self) }
        #expect(values == [1])
    }

    @Test func savepointsKeepTheOuterWork() throws {
        let db = try connect()
        try db.execute("CREATE TABLE s (v int)")
        try db.transaction {
            try db.execute("INSERT INTO s VALUES (1)")
            try? db.transaction {
                try db.execute("INSERT INTO s VALUES (2)")
                throw Planned()
            }
            try db.execute("INSERT INTO s VALUES (3)")
        }
        let values = try db.query("SELECT v FROM s ORDER BY v").map { try $0.decode("v", as: Int.self) }
        #expect(values == [1, 3])
    }

    @Test func uniqueViolationCarriesItsSQLState() throws {
        let db = try connect()
        try db.execute("CREATE TABLE u (k text CONSTRAINT u_k_key UNIQUE)")
        try db.execute("INSERT INTO u VALUES (\("a"))")
        do {
            try db.execute("INSERT INTO u VALUES (\("a"))")
            Issue.record("expected a unique violation")
        } catch let error as PostgresError {
            #expect(error.code == .server)
            #expect(error.sqlState == "23505")
            #expect(error.sqlState == "23505")
            #expect(error.constraintName == "u_k_key")
            #expect(error.detail?.contains("(k)=(a)") == true)
            #expect(!error.description.contains("(a)"), "description must not quote values")
        }
    }

    @Test func copyStreamsAHundredThousandRows() throws {
        let db = try connect()
        try db.execute("CREATE TABLE c (n int, label text)")
        let copied = try db.copyIn("COPY c (n, label) FROM STDIN (FORMAT csv)") { writer in
            var buffer: [UInt8] = []
            for n in 0..<100_000 {
                buffer.append(contentsOf: Array("\(n),\"row, \"\"\(n)\"\"\"\n".utf8))
                if buffer.count > 1 << 16 {
                    try writer.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try writer.write(buffer)
        }
        #expect(copied == 100_000)
        let row = try db.query("SELECT count(*) AS n, max(label) FILTER (WHERE n = 7) AS seven FROM c")[0]
        #expect(try row.decode("n", as: Int.self) == 100_000)
        #expect(try row.decode("seven", as: String.self) == "row, \"7\"")
    }

    @Test func abortedCopyLeavesNothing() throws {
        let db = try connect()
        try db.execute("CREATE TABLE a (n int)")
        #expect(throws: Planned.self) {
            try db.copyIn("COPY a FROM STDIN (FORMAT csv)") { writer in
                try writer.write(Array("1\n2\n".utf8))
                throw Planned()
            }
        }
        #expect(try db.query("SELECT count(*) AS n FROM a")[0].decode("n", as: Int.self) == 0)
    }

    @Test func aKilledBackendIsAConnectionErrorAndReconnectWorks() throws {
        let victim = try connect()
        let killer = try connect()
        let pid = try victim.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self)
        try killer.query("SELECT pg_terminate_backend(\(pid))")
        Thread.sleep(forTimeInterval: 0.2)
        do {
            try victim.query("SELECT 1")
            Issue.record("expected a connection error")
        } catch let error as PostgresError {
            #expect(error.isConnectionError, "got \(error.code) \(error.sqlState ?? "")")
        }
        #expect(!victim.isConnected)
        try victim.reconnect()
        #expect(try victim.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }

    @Test func aBadAddressIsAConnectionFailureWithoutThePassword() {
        do {
            _ = try PostgresConnection(PostgresConfiguration(connectionString: "postgresql://someone:hunter2secret@/nowhere?host=/nonexistent-dir&connect_timeout=2"))
            Issue.record("expected a connection failure")
        } catch let error as PostgresError {
            #expect(error.code == .connectionFailed)
            #expect(!error.message.contains("hunter2secret"))
            #expect(!error.description.contains("hunter2secret"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func forEachRowStreamsLargeResults() throws {
        let db = try connect()
        var total = 0
        var count = 0
        try db.forEachRow("SELECT g AS n FROM generate_series(1, 50000) g") { row in
            total += try row.decode("n", as: Int.self)
            count += 1
        }
        #expect(count == 50_000)
        #expect(total == 50_000 * 50_001 / 2)
        #expect(try db.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test func concurrentUseFromManyThreadsIsSerialised() async throws {
        let db = try connect()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<16 {
                group.addTask { try db.query("SELECT \(n)::int AS n")[0].decode("n", as: Int.self) }
            }
            var seen = Set<Int>()
            for try await n in group { seen.insert(n) }
            #expect(seen == Set(0..<16))
        }
    }
}
