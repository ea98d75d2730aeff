/// A row `disrupt import` did not land: where it is in the file, which column, and why.
public struct ImportReject: Sendable, Equatable {
    /// The physical line of the file where the record starts (the header is line 1).
    public var line: Int
    /// The CSV column at fault (or `field N` for an extra field).
    public var column: String
    public var reason: String
    /// The record's fields as read (empty when the record could not be parsed at all).
    public var fields: [String]

    public init(line: Int, column: String, reason: String, fields: [String]) {
        self.line = line
        self.column = column
        self.reason = reason
        self.fields = fields
    }
}

/// What an import did: the counts the SQL merge returned, the first rejects (in line order)
/// and where all of them were written.
public struct ImportReport: Sendable, Encodable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// True when the transaction was rolled back (`--dry-run`, or `--strict` with a reject).
    public var rolledBack = false
    /// The first rejects, in line order (at most `Importer.rejectPreviewLimit`).
    public var firstRejects: [ImportReject] = []
    /// Where every reject was written, when there was one.
    public var rejectsFile: String?
    /// Set when the rejects file could not go next to the input: why, and where it went.
    public var rejectsFileNote: String?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case inserted, updated, unchanged, rejected
        case rolledBack = "rolled_back"
        case rejectsFile = "rejects_file"
    }
}
