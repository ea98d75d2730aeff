import Postgres

/// One definition file's state against a database, as `disrupt db status` shows it.
public struct DefinitionStatus: Sendable, Equatable, Encodable {
    /// `applied`: as recorded; `pending`: never applied; `changed`: the file differs from what
    /// was applied; `removed`: applied, but this disrupt no longer has the file.
    public enum State: String, Sendable, Encodable {
        case applied, pending, changed, removed
    }

    public let name: String
    public let state: State

    public init(name: String, state: State) {
        self.name = name
        self.state = state
    }
}

extension Migrator {
    /// Every definition file this binary has, and every one the database recorded, with its state.
    public func definitionStatus(_ connection: PostgresConnection) throws -> [DefinitionStatus] {
        var recorded: [String: String] = [:]
        if try tableExists("disrupt.schema_definitions", connection) {
            for row in try connection.query("SELECT name, checksum FROM disrupt.schema_definitions") {
                recorded[try row.decode("name")] = try row.decode("checksum")
            }
        }
        var statuses = definitions.map { definition in
            DefinitionStatus(name: definition.name, state: recorded[definition.name].map { $0 == definition.checksum ? .applied : .changed } ?? .pending)
        }
        let known = Set(definitions.map(\.name))
        statuses += recorded.keys.filter { !known.contains($0) }.sorted().map { DefinitionStatus(name: $0, state: .removed) }
        return statuses
    }

    /// Drops every definition-owned object, runs every definition file in order, and records
    /// their checksums. Runs inside `migrate`'s transaction.
    func applyDefinitions(_ connection: PostgresConnection) throws {
        try connection.executeScript(unsafeSQL: Definition.resetSQL)
        for definition in definitions {
            try connection.executeScript(unsafeSQL: definition.sql)
        }
        try connection.execute("DELETE FROM disrupt.schema_definitions")
        try connection.execute("""
            INSERT INTO disrupt.schema_definitions (name, checksum)
            SELECT * FROM unnest(\(definitions.map(\.name))::text[], \(definitions.map(\.checksum))::text[])
            """)
    }
}
