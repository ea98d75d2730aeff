import CLibPQ
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12: the read policies decide what a statement may see while it is planned
/// (`read_scope`, security.sql), and a client may keep a plan: a protocol-level unnamed statement
/// (`PQprepare(conn, "", ...)`) is planned once and executed again and again, with the scope it
/// was planned with. When what a login may read changes (she is disabled, moved to another
/// agency, given another role), every session plans again at its next statement; and because a
/// transaction already open keeps its plans until it ends (at READ COMMITTED it went on reading
/// rows written after the change with her old scope: helper-90, helper-91), the change ends her
/// open sessions when it commits. Each attack connects as a real staff login, as psql would.
@Suite("Security: a change of what a login may read reaches her open sessions")
struct StaffChangeSessionTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// Another database of the cluster that every login may connect to, as a shared cluster's
    /// databases are unless their owner says otherwise (the embedded cluster's maintenance
    /// databases are not: `EmbeddedCluster`). Empty: her role is what is held there.
    static let otherDatabase = Result { () throws -> String in
        let name = "other_\(UUID().uuidString.prefix(8).lowercased())"
        let su = try TestCluster.superuserConnection(database: "postgres")
        defer { su.close() }
        try su.execute("CREATE DATABASE \(identifier: name)")
        return name
    }

    /// A person only `agency` (and administrators) may see: restricted, that agency's; returns
    /// its reference.
    func restrictedPerson(_ label: String, of agency: String = "police") throws -> String {
        let su = try fixture.superuser()
        defer { su.close() }
        let ref = "P-\(fixture.token)-\(label)"
        try su.execute("""
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency, sensitivity)
            VALUES (\(ref), 'Kept', 'Plan', \(agency), 'restricted')
            """)
        return ref
    }

    /// A libpq connection that has consulted and prepared, as its unnamed statement, a count of
    /// the people with reference `ref`, executed six times so that PostgreSQL keeps a generic plan.
    func keptCount(_ conn: OpaquePointer, of ref: String) -> () -> String {
        #expect(sqlState(ofLibpqResult: PQprepare(conn, "", "SELECT count(*) FROM disrupt.person WHERE person_ref = '\(ref)'", 0, nil)) == "")
        let run = {
            let result = PQexecPrepared(conn, "", 0, nil, nil, nil, 0)
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_TUPLES_OK else { return "error" }
            return String(cString: PQgetvalue(result, 0, 0))
        }
        for _ in 0..<6 { _ = run() }
        return run
    }

    /// An administrator's connection in which `change` is made and left open, its sessions ended
    /// at once (SET CONSTRAINTS ALL IMMEDIATE): the window helper-92 and helper-96 used. The
    /// caller commits it and closes it.
    func changeLeftOpen(_ change: PostgresQuery) throws -> PostgresConnection {
        let admin = try fixture.connect(as: fixture.admin)
        try admin.execute("BEGIN")
        try admin.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try admin.execute(change)
        return admin
    }

    /// An administrator disables her as the CLI does: the disable commits and she can no longer
    /// log in.
    func expectDisableCommits(_ login: String, ending sessions: [OpaquePointer?] = []) throws {
        let admin = try fixture.connect(as: fixture.admin)
        defer { admin.close() }
        try admin.execute("SET statement_timeout = '30s'")  // the old definitions waited until she committed
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        for session in sessions { #expect(try fixture.sessionEnded(Int(PQbackendPID(session)))) }
        #expect(try admin.query("SELECT active FROM disrupt.staff WHERE login = \(login)")[0].decode("active", as: Bool.self) == false)
        #expect(throws: PostgresError.self) { try plainLibpqConnection(fixture, as: login) }
    }

    /// A change that alters what a police login may read, made as the CLI makes it: her role
    /// before it, the agency of the restricted person she reads, and whether she sees him before
    /// and after it (nil: she can no longer log in).
    struct Change: Sendable, CustomStringConvertible {
        let name: String, roleBefore: String, personAgency: String, before: String, after: String?
        var description: String { name }

        func sql(_ login: String) -> PostgresQuery {
            switch name {
            case "disable": "SELECT disrupt.staff_disable(\(login), 'left the service')"
            case "move": "SELECT disrupt.staff_add(\(login), 'Test Person', 'health', 'rep')"
            case "promote": "SELECT disrupt.staff_add(\(login), 'Test Person', 'police', 'admin')"
            default: "SELECT disrupt.staff_add(\(login), 'Test Person', 'police', 'rep')"  // demote
            }
        }
    }

    static let changes = [
        Change(name: "disable", roleBefore: "rep", personAgency: "police", before: "1", after: nil),
        Change(name: "move", roleBefore: "rep", personAgency: "police", before: "1", after: "0"),
        Change(name: "promote", roleBefore: "rep", personAgency: "health", before: "0", after: "1"),
        Change(name: "demote", roleBefore: "admin", personAgency: "health", before: "1", after: "0"),
    ]

    @Test(arguments: changes)
    func aChangeOfWhatSheMayReadEndsHerOpenTransaction(_ change: Change) throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let ref = try restrictedPerson("open-\(change.name)", of: change.personAgency)
        let login = try f.addStaff("ko\(change.name.prefix(3))", agency: "police", role: change.roleBefore)
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        // another police login's session, whose scope does not change
        let bystander = try plainLibpqConnection(f, as: f.police)
        defer { PQfinish(bystander) }
        for session in [conn, bystander] {
            #expect(sqlState(ofLibpqResult: PQexec(session, "SELECT disrupt.consult('attack test', 'kept plan')")) == "")
            #expect(sqlState(ofLibpqResult: PQexec(session, "BEGIN")) == "")
        }
        let seen = keptCount(conn, of: ref), seenByBystander = keptCount(bystander, of: ref)
        #expect(seen() == change.before)
        let bystanderSaw = seenByBystander()

        try su.execute(change.sql(login))
        #expect(try f.sessionEnded(Int(PQbackendPID(conn))), "\(change): her session is still open")
        #expect(seen() == "error")
        #expect(PQstatus(conn) == CONNECTION_BAD)
        // the bystander's transaction goes on
        #expect(seenByBystander() == bystanderSaw)
        #expect(try !su.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(Int(PQbackendPID(bystander)))").isEmpty)
        // what she may read in a session she opens now is what the change says
        if let after = change.after {
            let again = try plainLibpqConnection(f, as: login)
            defer { PQfinish(again) }
            #expect(sqlState(ofLibpqResult: PQexec(again, "SELECT disrupt.consult('attack test', 'kept plan')")) == "")
            #expect(keptCount(again, of: ref)() == after)
        } else {
            #expect(throws: PostgresError.self) { try plainLibpqConnection(f, as: login) }
        }
    }

    /// PostgreSQL keeps the first view of the sessions a transaction took: an administrator who
    /// consulted (or read anything) in psql before moving a login had a view without the
    /// session the login opened since, and that session survived the move and read, with her
    /// old scope, a person written after it (helper-93).
    @Test func aSessionOpenedWhileTheAdministratorsTransactionRunsIsEndedToo() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let login = try f.addStaff("kolate", agency: "police")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("SELECT disrupt.consult('attack test', 'staff move')")
        try admin.execute("BEGIN")
        _ = try admin.query("SELECT disrupt.consulting() AS c")  // her transaction's view of the sessions
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.consult('attack test', 'kept plan')")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN")) == "")
        let ref = "P-\(f.token)-late"
        let seen = keptCount(conn, of: ref)
        #expect(seen() == "0")
        try admin.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'health', 'rep')")
        try admin.execute("COMMIT")
        #expect(try f.sessionEnded(Int(PQbackendPID(conn))))
        _ = try restrictedPerson("late")
        #expect(seen() == "error")
    }

    /// A change in a transaction the administrator keeps open, the constraint trigger made to
    /// fire at once (SET CONSTRAINTS ALL IMMEDIATE): a session she opened after it had ended her
    /// others was not ended, and read rows written after the commit with her old scope
    /// (helper-92). While a change of her access is being made, what she plans sees nothing.
    @Test func aSessionOpenedWhileHerAccessIsChangingPlansNothing() throws {
        let f = fixture
        let login = try f.addStaff("kopend", agency: "police")
        let admin = try changeLeftOpen("SELECT disrupt.staff_add(\(login), 'Test Person', 'health', 'rep')")
        defer { admin.close() }
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.consult('attack test', 'kept plan')")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN")) == "")
        let ref = try restrictedPerson("pending")
        let seen = keptCount(conn, of: ref)
        #expect(seen() == "0")  // police's, and she is police until the change commits: nothing yet
        try admin.execute("COMMIT")
        let later = try restrictedPerson("pending-later")
        #expect(seen() == "0")
        let seenLater = keptCount(conn, of: later)
        #expect(seenLater() == "0")  // planned after the commit: she is health's now
    }

    /// A login may alter her own role (her password) and keep that transaction open: the
    /// disable's ALTER ROLE waited for as long as she liked, holding up every staff change, and
    /// then failed (helper-92). The disable ends her sessions first.
    @Test func sheCannotHoldUpHerOwnDisable() throws {
        let f = fixture
        let login = try f.addStaff("kohold", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "ALTER ROLE \"\(login)\" PASSWORD NULL")) == "")
        try expectDisableCommits(login, ending: [conn])
    }

    /// session_read_scope takes the lock a change holds and gives it back in one expression; a
    /// statement cancelled in between could keep it for the session's life, and the change waited
    /// for it. The change ends her sessions, which frees it. (Staff may not take advisory locks:
    /// the test lets her, for this one statement.)
    @Test func aLockSheKeptDoesNotHoldUpAChangeOfHerAccess() throws {
        let f = fixture
        let login = try f.addStaff("kolock", agency: "police")
        let su = try f.superuser()
        defer { su.close() }
        let key: Int64 = try su.query("SELECT disrupt.staff_login_lock_key(\(login)) AS key")[0].decode("key")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        try su.execute(PostgresQuery(unsafeSQL: "GRANT EXECUTE ON FUNCTION pg_advisory_lock_shared(bigint) TO \"\(login)\""))
        let took = sqlState(ofLibpqResult: PQexec(conn, "SELECT pg_advisory_lock_shared(\(key))"))
        try su.execute(PostgresQuery(unsafeSQL: "REVOKE EXECUTE ON FUNCTION pg_advisory_lock_shared(bigint) FROM \"\(login)\""))
        #expect(took == "")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        // waiting for her lock, the move would fail after 10 seconds (lock_timeout)
        try admin.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'health', 'rep')")
        #expect(try f.sessionEnded(Int(PQbackendPID(conn))))
    }

    /// Her role is the whole cluster's: from a session in another database of a shared cluster
    /// (the embedded cluster's maintenance databases refuse her) she altered it and kept that
    /// transaction open, and the disable
    /// failed after 10 seconds, every time it was tried (helper-96, helper-97). Holding up her own
    /// change ends her sessions in every database.
    @Test func sheCannotHoldUpHerOwnDisableFromAnotherDatabase() throws {
        let f = fixture
        let login = try f.addStaff("kohome", agency: "police")
        let elsewhere = PQconnectdb(TestCluster.url(database: try Self.otherDatabase.get(), user: login))
        defer { PQfinish(elsewhere) }
        #expect(PQstatus(elsewhere) == CONNECTION_OK)
        #expect(sqlState(ofLibpqResult: PQexec(elsewhere, "BEGIN")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(elsewhere, "ALTER ROLE \"\(login)\" PASSWORD NULL")) == "")
        try expectDisableCommits(login, ending: [elsewhere])
    }

    /// Ending her sessions and then altering her role lost to a script that reconnected at once
    /// and altered her role again: the disable failed every time (helper-99). Her sessions are
    /// told to end and the change queues on her role at once, ahead of her next session.
    @Test func sheCannotHoldUpHerOwnDisableByReconnecting() throws {
        let f = fixture
        let login = try f.addStaff("koloop", agency: "police")
        let stop = Outcome()
        let url = TestCluster.url(database: try Self.otherDatabase.get(), user: login)
        let loops = (0..<4).map { _ in DispatchSemaphore(value: 0) }
        for done in loops {
            Thread.detachNewThread {
                while stop.value.isEmpty {
                    let conn = PQconnectdb(url)
                    if PQstatus(conn) == CONNECTION_OK {
                        PQclear(PQexec(conn, "BEGIN"))
                        PQclear(PQexec(conn, "ALTER ROLE \"\(login)\" PASSWORD NULL"))
                        PQclear(PQexec(conn, "SELECT pg_sleep(5)"))  // holds her role until she is ended
                    }
                    PQfinish(conn)
                }
                done.signal()
            }
        }
        let su = try f.superuser()
        defer { su.close() }
        defer {
            stop.set("stop")
            _ = try? su.query("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE usename = \(login)")
            for done in loops { done.wait() }
        }
        for _ in 0..<200 {  // until one of them holds her role
            let holding = try su.query("SELECT 1 FROM pg_stat_activity WHERE usename = \(login) AND backend_xid IS NOT NULL")
            if !holding.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try expectDisableCommits(login)
    }

    /// A session that takes long to go (clearing away a thousand temporary tables, with local
    /// buffers set high) made the change fail after 5 seconds, every time it was tried
    /// (helper-98). Told to end, it runs nothing more; the change commits. Staff may make no
    /// table now (`SchemaChangeGuard`, no TEMP privilege), so this test opens a database of its
    /// own to her as one never migrated by a superuser would be.
    @Test func aSessionSlowToGoDoesNotStopAChangeOfHerAccess() throws {
        let f = try SecurityFixture()
        let login = try f.addStaff("koslow", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SET temp_buffers = 5000000")) == "")
        try f.openAsIfNeverLocked(for: login)
        for i in 1...1000 {
            PQclear(PQexec(conn, "CREATE TEMP TABLE slow_\(i) (x int)"))
        }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "INSERT INTO slow_1 VALUES (1)")) == "")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        #expect(try admin.query("SELECT active FROM disrupt.staff WHERE login = \(login)")[0].decode("active", as: Bool.self) == false)
        let after = PQexec(conn, "SELECT 1")
        defer { PQclear(after) }
        #expect(PQresultStatus(after) != PGRES_TUPLES_OK, "told to end, her session ran a statement")
    }

    /// Altering her role and committing, again and again on one connection: her commit landed
    /// while the disable's ALTER ROLE waited, which then failed ("tuple concurrently updated",
    /// XX000) and ended nothing; every disable failed (helper-100).
    @Test func sheCannotHoldUpHerOwnDisableByCommittingInALoop() throws {
        let f = fixture
        let login = try f.addStaff("kocommit", agency: "police")
        let stop = Outcome()
        let url = TestCluster.url(database: try Self.otherDatabase.get(), user: login)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while stop.value.isEmpty {
                let conn = PQconnectdb(url)
                while stop.value.isEmpty && PQstatus(conn) == CONNECTION_OK {
                    PQclear(PQexec(conn, "BEGIN"))
                    PQclear(PQexec(conn, "ALTER ROLE \"\(login)\" PASSWORD NULL"))
                    PQclear(PQexec(conn, "SELECT pg_sleep(0.3)"))
                    PQclear(PQexec(conn, "COMMIT"))
                }
                PQfinish(conn)
            }
            done.signal()
        }
        defer {
            stop.set("stop")
            done.wait()
        }
        Thread.sleep(forTimeInterval: 0.5)
        try expectDisableCommits(login)
    }

    /// A session of hers that altered her role and is sending an error to a client that never
    /// reads it cannot be ended (the server sends errors with interrupts held) and keeps her role:
    /// the disable failed, every time (helper-100). The disable now commits: her staff row says
    /// she is disabled, and with it she can do nothing in disrupt; the login itself is switched
    /// off by a later disable, once that session has gone.
    @Test func aSessionThatCannotBeEndedDoesNotStopHerDisable() throws {
        let f = fixture
        let login = try f.addStaff("kostuck", agency: "police")
        let stuck = try plainLibpqConnection(f, as: login)
        var finished = false
        defer { if !finished { PQfinish(stuck) } }
        #expect(sqlState(ofLibpqResult: PQexec(stuck, "BEGIN")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(stuck, "ALTER ROLE \"\(login)\" PASSWORD NULL")) == "")
        #expect(PQsendQuery(stuck, "SELECT repeat('x', 20000000)::int") == 1)  // never read
        let su = try f.superuser()
        defer { su.close() }
        for _ in 0..<200 {  // until the server is writing the error
            if try !su.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(Int(PQbackendPID(stuck))) AND wait_event = 'ClientWrite'").isEmpty { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        #expect(try admin.query("SELECT active FROM disrupt.staff WHERE login = \(login)")[0].decode("active", as: Bool.self) == false)
        #expect(try StaffDirectory().disable(login: login, reason: "left the service", on: admin).canLogIn)
        let other = try plainLibpqConnection(f, as: login)  // her login is still on: she can do nothing
        defer { PQfinish(other) }
        #expect(sqlState(ofLibpqResult: PQexec(other, "SELECT disrupt.consult('attack test', 'after her disable')")) == "42501")
        // nor may she use anything of disrupt's (helper-102)
        #expect(try !su.query("SELECT pg_has_role(\(login), 'disrupt_staff', 'MEMBER') AS m")[0].decode("m", as: Bool.self))
        PQfinish(stuck)  // the client goes: so does the session
        finished = true
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        #expect(throws: PostgresError.self) { try plainLibpqConnection(f, as: login) }
        try admin.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'police', 'rep')")  // back again
        #expect(try su.query("SELECT pg_has_role(\(login), 'disrupt_staff', 'MEMBER') AS m")[0].decode("m", as: Bool.self))
    }

    /// When someone else holds her role (a superuser's open ALTER ROLE in another database), the
    /// change fails at once and ends none of her sessions, her own work in a transaction
    /// included: it had ended them, waited 10 seconds and failed anyway (helper-99, helper-101).
    @Test func aRoleSomeoneElseHoldsEndsNoSessionOfHers() throws {
        let f = fixture
        let login = try f.addStaff("koheld", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        // her own work, a transaction that has written (a consultation), elsewhere in the cluster
        let writing = try plainLibpqConnection(f, as: login)
        defer { PQfinish(writing) }
        #expect(sqlState(ofLibpqResult: PQexec(writing, "BEGIN")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(writing, "SELECT disrupt.consult('attack test', 'her own work')")) == "")
        let holder = try TestCluster.superuserConnection(database: "postgres")
        defer { holder.close() }
        try holder.execute("BEGIN")
        try holder.execute(PostgresQuery(unsafeSQL: "ALTER ROLE \"\(login)\" CONNECTION LIMIT 7"))
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(sqlState { try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')") } == "55P03")
        try holder.execute("ROLLBACK")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT 1")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(writing, "COMMIT")) == "")
        #expect(try admin.query("SELECT active FROM disrupt.staff WHERE login = \(login)")[0].decode("active", as: Bool.self))
    }

    /// A dump restored into another cluster brings the marks of changes with it, ahead of that
    /// cluster's transaction ids: every REPEATABLE READ read and every staff change failed
    /// ("transaction ID ... is in the future", helper-99). A mark ahead is no change here, and the
    /// next change clears it.
    @Test func marksAheadOfTheClusterStopNothing() throws {
        let f = try SecurityFixture()  // a database of its own: the marks are every test's here
        let login = try f.addStaff("koahead", agency: "police")
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("SELECT setval('disrupt.staff_change_committed', (pg_current_xact_id()::text::bigint) + 500000000)")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.is_active_staff()")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "ROLLBACK")) == "")
        try su.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'health', 'rep')")
        let ahead: Bool = try su.query("""
            SELECT (SELECT last_value FROM disrupt.staff_change_committed) > pg_current_xact_id()::text::bigint AS ahead
            """)[0].decode("ahead")
        #expect(!ahead)
    }

    /// A snapshot taken while an administrator's change of her access was under way (the change
    /// made to end her sessions at once with SET CONSTRAINTS ALL IMMEDIATE and kept open) showed
    /// her old staff row after the change committed: a login moved to health read police's
    /// restricted people, and a disabled one wrote a restricted person (helper-96, helper-97).
    /// Once the change has committed, anything that asks who she is in that snapshot is refused.
    @Test(arguments: ["move", "disable"])
    func aSnapshotTakenDuringAChangeIsRefusedOnceItCommits(_ change: String) throws {
        let f = fixture
        let ref = try restrictedPerson("snap-\(change)")
        let login = try f.addStaff("kosn\(change.prefix(2))", agency: "police")
        let admin = try changeLeftOpen(Self.changes.first { $0.name == change }!.sql(login))
        defer { admin.close() }
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.consult('attack test', 'old snapshot')")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT 1")) == "")  // the snapshot
        try admin.execute("COMMIT")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT count(*) FROM disrupt.person WHERE person_ref = '\(ref)'")) == "40001")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "ROLLBACK")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")) == "")
        // a new snapshot, taken by the check itself (another suite's change committing between a
        // snapshot and the check would refuse it too), sees the change: moved, she is still active staff (health's); disabled, not
        let active = PQexec(conn, "SELECT disrupt.is_active_staff()::text")
        defer { PQclear(active) }
        #expect(PQresultStatus(active) == PGRES_TUPLES_OK)
        if PQresultStatus(active) == PGRES_TUPLES_OK {
            #expect(String(cString: PQgetvalue(active, 0, 0)) == (change == "move" ? "true" : "false"))
        }
    }

    /// A change of two staff rows in one transaction cleared, at its second row, the mark of
    /// the change committed before it: a disabled login's snapshot from before her disable then
    /// read and wrote as active staff (helper-101).
    @Test func aSecondRowOfOneChangeKeepsTheMarkOfTheChangeBefore() throws {
        let f = fixture
        let login = try f.addStaff("kotwo", agency: "police")
        let first = try f.addStaff("kotwa", agency: "police"), second = try f.addStaff("kotwb", agency: "police")
        let admin = try changeLeftOpen(Self.changes.first { $0.name == "disable" }!.sql(login))
        defer { admin.close() }
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT 1")) == "")
        try admin.execute("COMMIT")
        let other = try f.connect(as: f.admin)
        defer { other.close() }
        try other.execute("BEGIN")
        try other.execute("SELECT disrupt.staff_add(\(first), 'Test Person', 'health', 'rep')")
        try other.execute("SELECT disrupt.staff_add(\(second), 'Test Person', 'health', 'rep')")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.is_active_staff()")) == "40001")
        try other.execute("ROLLBACK")
    }

    /// The same for a write: disabled while her snapshot was open, she wrote a restricted person
    /// after the disable had committed (helper-96).
    @Test func aSnapshotTakenDuringADisableWritesNothingOnceItCommits() throws {
        let f = fixture
        let login = try f.addStaff("koswr", agency: "police")
        let admin = try changeLeftOpen("SELECT disrupt.staff_disable(\(login), 'left the service')")
        defer { admin.close() }
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT 1")) == "")
        try admin.execute("COMMIT")
        let ref = "P-\(f.token)-snapwrite"
        let insert = "INSERT INTO disrupt.person (person_ref, given_name, family_name, agency, sensitivity) VALUES ('\(ref)', 'Late', 'Write', 'police', 'restricted')"
        #expect(sqlState(ofLibpqResult: PQexec(conn, insert)) == "40001")
        PQclear(PQexec(conn, "ROLLBACK"))
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("SELECT 1 FROM disrupt.person WHERE person_ref = \(ref)").isEmpty)
    }

    /// A change that does not commit, or that leaves what she may read as it was (her
    /// connection limit), ends no session: ending them is the committed change's, or a lock of
    /// hers the change waits for (helper-97).
    @Test func aChangeThatDoesNotCommitEndsNoSession() throws {
        let f = fixture
        let login = try f.addStaff("korb", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        let elsewhere = PQconnectdb(TestCluster.url(database: try Self.otherDatabase.get(), user: login))
        defer { PQfinish(elsewhere) }
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("BEGIN")
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        try admin.execute("ROLLBACK")
        try admin.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'police', 'rep', 3)")
        for session in [conn, elsewhere] {
            #expect(sqlState(ofLibpqResult: PQexec(session, "SELECT 1")) == "")
            #expect(PQstatus(session) == CONNECTION_OK)
        }
    }

    /// A staff row deleted by hand (the owner's act; staff are disabled, not removed) ends her
    /// sessions as a disable does.
    @Test func aDeletedStaffRowEndsHerSessions() throws {
        let f = fixture
        let login = try f.addStaff("kodel", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("DELETE FROM disrupt.staff WHERE login = \(login)")
        #expect(try f.sessionEnded(Int(PQbackendPID(conn))))
    }

    /// Each login's lock has a 64-bit key of its own: two logins whose 32-bit hashes agree (a
    /// pair helper-96 found) blinded each other while either was being changed.
    @Test func twoLoginsWhoseShortHashesAgreeHaveLocksOfTheirOwn() throws {
        let su = try fixture.superuser()
        defer { su.close() }
        let row = try su.query("""
            SELECT hashtext('u44753') = hashtext('u223244') AS short_alike,
                   disrupt.staff_login_lock_key('u44753') = disrupt.staff_login_lock_key('u223244') AS keys_alike
            """)[0]
        #expect(try row.decode("short_alike", as: Bool.self))
        #expect(try !row.decode("keys_alike", as: Bool.self))
    }

    /// Ending sessions is the trigger's alone: no login, an administrator's included, may call
    /// the function that does it (it would end a colleague's work at will).
    @Test func noLoginMayEndAnotherLoginsSessions() throws {
        let f = fixture
        for login in [f.police, f.admin] {
            let db = try f.connect(as: login)
            defer { db.close() }
            #expect(sqlState { _ = try db.query("SELECT disrupt.staff_login_end_sessions(\(f.health)) AS n") } == "42501", "\(login)")
            #expect(sqlState { _ = try db.query("SELECT pg_terminate_backend(1) AS ended") } == "42501", "\(login)")
        }
    }

    /// A change that leaves what she may read as it was (her name, or adding her again exactly
    /// as she is) ends nothing.
    @Test func aChangeThatLeavesWhatSheMayReadEndsNoSession() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let login = try f.addStaff("kosame", agency: "police")
        let conn = try plainLibpqConnection(f, as: login)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN")) == "")
        try su.execute("SELECT disrupt.staff_add(\(login), 'Test Person', 'police', 'rep')")
        try su.execute("SELECT disrupt.staff_add(\(login), 'Test Person Renamed', 'police', 'rep')")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT 1")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "COMMIT")) == "")
        #expect(PQstatus(conn) == CONNECTION_OK)
    }

    /// Outside a transaction a kept plan is planned again at its next execution once any staff
    /// login may read changes (staff_read_scope_changed). Her own sessions end; this is seen through the one
    /// session the change cannot end: a superuser's, authorised as her.
    @Test func aPlanKeptOutsideATransactionIsPlannedAgainWhenAStaffRowChanges() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let ref = try restrictedPerson("kept")
        for change in ["disable", "move"] {
            let login = try f.addStaff("kp\(change.prefix(2))", agency: "police")
            let conn = PQconnectdb(TestCluster.url(database: f.location.testDatabaseName))
            defer { PQfinish(conn) }
            #expect(PQstatus(conn) == CONNECTION_OK)
            #expect(sqlState(ofLibpqResult: PQexec(conn, "SET SESSION AUTHORIZATION \"\(login)\"")) == "")
            #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.consult('attack test', 'kept plan')")) == "")
            let seen = keptCount(conn!, of: ref)
            #expect(seen() == "1")
            try su.execute(Self.changes.first { $0.name == change }!.sql(login))
            #expect(seen() == "0", "\(change)")
        }
    }

    /// Two administrators each changing one login and then the other's took their row locks and
    /// then waited for each other's hold on read_scope (PostgreSQL aborted one: deadlock). The
    /// hold is taken before any staff row is locked now: the second waits, then both commit.
    @Test func twoStaffChangesAtOnceDoNotDeadlock() throws {
        let f = fixture
        let first = try f.addStaff("dla", agency: "police"), second = try f.addStaff("dlb", agency: "police")
        let a = try f.superuser(), b = try f.superuser(), observer = try f.superuser()
        defer { a.close(); b.close(); observer.close() }
        let bPid: Int = try b.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        try a.execute("BEGIN")
        try a.execute("UPDATE disrupt.staff SET full_name = 'First A' WHERE login = \(first)")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                try b.execute("BEGIN")
                try b.execute("UPDATE disrupt.staff SET full_name = 'Second B' WHERE login = \(second)")
                try b.execute("UPDATE disrupt.staff SET full_name = 'First B' WHERE login = \(first)")
                try b.execute("COMMIT")
                outcome.set("committed")
            } catch let error as PostgresError {
                outcome.set("\(error.sqlState ?? "?") \(error.message)")
            } catch { outcome.set("\(error)") }
            done.signal()
        }
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = try !observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(bPid) AND wait_event_type = 'Lock'").isEmpty
            if !waiting { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(waiting, "the second change never waited")
        let aOutcome: String
        do {
            try a.execute("UPDATE disrupt.staff SET full_name = 'Second A' WHERE login = \(second)")
            try a.execute("COMMIT")
            aOutcome = "committed"
        } catch let error as PostgresError {
            aOutcome = "\(error.sqlState ?? "?") \(error.message)"
        }
        done.wait()
        #expect(aOutcome == "committed")
        #expect(outcome.value == "committed")
        let names = try observer.query("SELECT full_name FROM disrupt.staff WHERE login IN (\(first), \(second)) ORDER BY login")
            .map { try $0.decode("full_name", as: String.self) }
        #expect(names == ["First B", "Second B"])
    }
}
