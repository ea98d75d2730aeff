/// One numbered migration of stored structure or data, from `SQL/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// The migrations embedded in this binary, in order.
    public static var embedded: [Migration] {
        Resources.paths(under: "SQL/migrations").compactMap { path in
            guard let text = Resources.text(path) else { return nil }
            return Migration(path: path, sql: text)
        }.sorted { $0.version < $1.version }
    }

    /// Parses `SQL/migrations/0001_baseline.sql` into version 1, name `baseline`.
    init?(path: String, sql: String) {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard file.hasSuffix(".sql") else { return nil }
        let stem = file.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else { return nil }
        self.init(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
    }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// `0001_baseline`: the file's name without `.sql`, as status and migrate print it.
    public var label: String { Self.label(version: version, name: name) }

    static func label(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }

    /// SHA-256 of the text, recorded in `disrupt.schema_migrations`.
    public var checksum: String { SHA256.hex(sql) }
}
