@testable import DisruptStore
import Postgres
import Testing

/// `disrupt report` reads in one REPEATABLE READ snapshot, which a change of what staff may read
/// refuses once it commits (40001): it reads again, three times in all.
@Suite("Reads refused by a staff change are read again")
struct SerializationRetryTests {
    static let refused = PostgresError(code: .server, message: "what staff may read changed", sqlState: "40001")

    @Test func twoRefusalsAreReadAgainAndTheThirdAttemptAnswers() throws {
        var calls = 0
        let answer = try retryingSerializationFailures(attempts: 3) { () throws -> String in
            calls += 1
            if calls < 3 { throw Self.refused }
            return "read"
        }
        #expect(answer == "read" && calls == 3)
    }

    @Test func theThirdRefusalIsThrown() {
        var calls = 0
        #expect(throws: PostgresError.self) {
            try retryingSerializationFailures(attempts: 3) { () throws -> Int in
                calls += 1
                throw Self.refused
            }
        }
        #expect(calls == 3)
    }

    @Test func anyOtherErrorIsThrownAtOnce() {
        var calls = 0
        #expect(throws: PostgresError.self) {
            try retryingSerializationFailures(attempts: 3) { () throws -> Int in
                calls += 1
                throw PostgresError(code: .server, message: "permission denied", sqlState: "42501")
            }
        }
        #expect(calls == 1)
    }
}
