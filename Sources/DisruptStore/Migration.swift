import Checksum

/// One numbered migration of stored structure or data, from `SQL/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the text, recorded in `disrupt.schema_migrations`.
    public let checksum: String

    /// The migrations embedded in this binary, in order (with the checksums computed at build time).
    public static var embedded: [Migration] {
        Resources.paths(under: "SQL/migrations").compactMap { path in
            guard let text = Resources.text(path) else { return nil }
            return Migration(path: path, sql: text, checksum: Resources.checksum(path))
        }.sorted { $0.version < $1.version }
    }

    /// The versions of the embedded migrations, in order, read from their file names alone.
    public static var embeddedVersions: [Int] {
        Resources.paths(under: "SQL/migrations").compactMap { versionAndName($0)?.version }.sorted()
    }

    /// Parses `SQL/migrations/0001_baseline.sql` into version 1, name `baseline`.
    init?(path: String, sql: String, checksum: String? = nil) {
        guard let (version, name) = Self.versionAndName(path) else { return nil }
        self.init(version: version, name: name, sql: sql, checksum: checksum)
    }

    private static func versionAndName(_ path: String) -> (version: Int, name: String)? {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard file.hasSuffix(".sql") else { return nil }
        let stem = file.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else { return nil }
        return (version, String(stem[stem.index(after: underscore)...]))
    }

    /// A migration; its checksum is computed from `sql` unless given.
    public init(version: Int, name: String, sql: String, checksum: String? = nil) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = checksum ?? SHA256.hex(sql)
    }

    /// `0001_baseline`: the file's name without `.sql`, as status and migrate print it.
    public var label: String { Self.label(version: version, name: name) }

    static func label(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }
}
