/// One numbered SQL migration from `SQL/NNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// The migrations embedded in this binary, in order.
    public static var embedded: [Migration] {
        Resources.paths(under: "SQL").compactMap { path in
            guard let text = Resources.text(path) else { return nil }
            return Migration(path: path, sql: text)
        }.sorted { $0.version < $1.version }
    }

    /// Parses `SQL/002_record.sql` into version 2, name `record`.
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
}
