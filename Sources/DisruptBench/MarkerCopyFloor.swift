import DisruptCore
import Foundation

/// The strict floor for importing markers: `psql \copy` of the same rows, already resolved to
/// person ids, straight into `disrupt.marker` with its indexes, reference checks and triggers, in a
/// fresh database holding the same people. Only that final `\copy` is timed.
struct MarkerCopyFloor {
    let environment: BenchmarkEnvironment
    let directory: URL

    func measure(run: Int) throws -> Double {
        let url = try environment.freshDatabase("bench_marker_floor_\(run)")
        try environment.disrupt(["import", "people", directory.appendingPathComponent("people.csv").path], databaseURL: url)
        let source = quoted(directory.appendingPathComponent("markers.csv").path)
        let resolvedPath = directory.appendingPathComponent("markers.resolved.csv").path
        defer { unlink(resolvedPath) }
        let columns = ForceFile.markers.columns.map { "\"\($0)\" text" }.joined(separator: ", ")
        try environment.psql("""
            CREATE TEMP TABLE s (\(columns));
            \\copy s FROM \(source) WITH (FORMAT csv, HEADER true)
            \\copy (SELECT s.source_ref, p.id, s.marker, s.recorded_on, s.expires_on, s.agency, coalesce(s.sensitivity, 'shared'), s.note FROM s JOIN disrupt.person p ON p.person_ref = s.person_ref) TO \(quoted(resolvedPath)) WITH (FORMAT csv)

            """, databaseURL: url)
        return try environment.psql(
            "\\copy disrupt.marker (source_ref, person_id, kind, recorded_on, expires_on, agency, sensitivity, note) FROM \(quoted(resolvedPath)) WITH (FORMAT csv)\n",
            databaseURL: url).seconds
    }

    /// psql does not interpolate variables in `\copy` file names; our own temporary paths are
    /// quoted here.
    private func quoted(_ path: String) -> String {
        "'" + path.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
