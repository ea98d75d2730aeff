/// One of the CSV kinds `disrupt import` reads. Its columns, checks and merge are declared
/// once, in the database (`disrupt.import_declaration()`, SQL/definitions/import.sql): `disrupt.import_stage`
/// creates the stage table and returns the header, `disrupt.import_run` validates and merges.
public enum ImportKind: String, CaseIterable, Sendable {
    case people, aliases, parties, relationships, incidents, markers, orders, breaches, links, referrals

    /// `stage_<kind>`: the temporary table `disrupt.import_stage` creates.
    var stageTable: String { "stage_" + rawValue }
}
