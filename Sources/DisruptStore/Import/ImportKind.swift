import DisruptCore

/// One of the ten CSV kinds `disrupt import` reads, with its exact header and the shape of the
/// temporary stage table that `disrupt.import_<kind>(default_agency)` (SQL/003) expects.
public enum ImportKind: String, CaseIterable, Sendable {
    case people, aliases, parties, relationships, incidents, markers, orders, breaches, links, referrals

    /// The CSV header, in file order (shared with the generator's files).
    public var columns: [String] { ForceFile(rawValue: rawValue)!.columns }

    /// Stage-table column names, in CSV order (the CSV's `from`/`to` are `from_on`/`to_on`).
    var stageColumns: [String] {
        columns.map { column in
            switch (self, column) {
            case (.relationships, "from"): "from_on"
            case (.relationships, "to"): "to_on"
            default: column
            }
        }
    }

    /// `stage_<kind>`: the temporary table the SQL function reads.
    var stageTable: String { "stage_" + rawValue }

    /// `disrupt.import_<kind>`.
    var functionName: String { "disrupt.import_" + rawValue }
}
