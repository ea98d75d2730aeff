import Checksum

/// One file of database objects from `SQL/definitions/<area>.sql`: functions, procedures,
/// views, triggers, row-level-security policies and grants, each defined in exactly one file.
/// The migrator drops every such object and runs all the files again, in `order`, whenever a
/// file's checksum differs from the one recorded in `disrupt.schema_definitions` (or a
/// migration was applied).
public struct Definition: Sendable, Equatable {
    public let name: String
    public let sql: String
    /// SHA-256 of the text, recorded in `disrupt.schema_definitions`.
    public let checksum: String

    /// The files in the order they are applied: each may use what the files before it define
    /// (policies call the identity helpers of `foundation`, `plans` reads what `record` grants...).
    /// A new file is added here; a test checks that this list and `SQL/definitions/` agree.
    public static let order = ["foundation", "security", "record", "import", "plans", "reminders", "alerts", "risk", "cohort", "summary", "forum", "reading", "report"]

    /// The definition files embedded in this binary, in `order`.
    public static var embedded: [Definition] {
        order.compactMap { name in Resources.text(path(name)).map { Definition(name: name, sql: $0, checksum: Resources.checksum(path(name))) } }
    }

    /// The embedded files of `order` by name, with their build-time checksums (no text decoded).
    public static var embeddedChecksums: [String: String] {
        Dictionary(uniqueKeysWithValues: order.compactMap { name in Resources.checksum(path(name)).map { (name, $0) } })
    }

    /// The names of the embedded files, whether or not `order` lists them.
    public static var embeddedNames: [String] {
        Resources.paths(under: "SQL/definitions").compactMap { path in
            guard path.hasSuffix(".sql") else { return nil }
            return String(path.dropFirst("SQL/definitions/".count).dropLast(4))
        }
    }

    /// A definition file; its checksum is computed from `sql` unless given.
    public init(name: String, sql: String, checksum: String? = nil) {
        self.name = name
        self.sql = sql
        self.checksum = checksum ?? SHA256.hex(sql)
    }

    static func path(_ name: String) -> String { "SQL/definitions/\(name).sql" }
}
