import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The import declaration of SQL/definitions/import.sql is the one place a kind's columns live: the command
/// line's kinds, the generator's files and `Config/samples` must agree with it.
@Suite("Import declaration")
struct ImportDeclarationTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("importdecl")
    }

    @Test func everyKindIsDeclaredWithTheGeneratorsHeader() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let declared = try db.query("SELECT k FROM jsonb_object_keys(disrupt.import_declaration() -> 'kinds') k ORDER BY k")
            .map { try $0.decode(0, as: String.self) }
        #expect(declared == ImportKind.allCases.map(\.rawValue).sorted())
        for kind in ImportKind.allCases {
            let header = try db.transaction {
                try db.query("SELECT column_name FROM disrupt.import_stage(\(kind.rawValue))").map { try $0.decode(0, as: String.self) }
            }
            #expect(header == ForceFile(rawValue: kind.rawValue)?.columns, "\(kind.rawValue)")
        }
    }

    @Test func anUndeclaredKindIsRefused() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        #expect(throws: PostgresError.self) {
            try db.transaction { _ = try db.query("SELECT * FROM disrupt.import_run('pets', NULL)") }
        }
    }
}
