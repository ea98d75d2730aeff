import Foundation

/// Finds the installed PostgreSQL server's tools (`initdb`, `pg_ctl`).
public enum ServerBinaries {
    /// `$DISRUPT_PG_BINDIR`, then `PATH`, then `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/*/bin` (Debian keeps the server's tools off `PATH`).
    public static func locate(_ tool: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let directory = environment["DISRUPT_PG_BINDIR"], !directory.isEmpty { candidates.append("\(directory)/\(tool)") }
        if let onPath = Subprocess.which(tool) { candidates.append(onPath) }
        if let pgConfig = Subprocess.which("pg_config"),
           let output = try? Subprocess.run(pgConfig, ["--bindir"]), output.status == 0 {
            candidates.append(output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + "/\(tool)")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin/\(tool)")
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw StoreError(
            .failure, "no PostgreSQL server found (\(tool) is not installed)",
            hint: "Install it with: apt-get install postgresql libpq-dev   (or set DISRUPT_DATABASE_URL to use an existing server)"
        )
    }
}
