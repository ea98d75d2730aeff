import Foundation

/// Finds the installed PostgreSQL server's tools (`initdb`, `pg_ctl`).
public enum ServerBinaries {
    /// `$DISRUPT_PG_BINDIR`, then `PATH`, then `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/*/bin` (Debian keeps the server's tools off `PATH`): the first that
    /// is there, so `pg_config` (a shell script on Debian) runs only when the earlier ones fail.
    public static func locate(_ tool: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidates: [() -> String?] = [
            { environment["DISRUPT_PG_BINDIR"].flatMap { $0.isEmpty ? nil : "\($0)/\(tool)" } },
            { Subprocess.which(tool) },
            {
                guard let pgConfig = Subprocess.which("pg_config"),
                      let output = try? Subprocess.run(pgConfig, ["--bindir"]), output.status == 0 else { return nil }
                return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + "/\(tool)"
            },
            {
                let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
                return versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }).lazy
                    .map { "/usr/lib/postgresql/\($0)/bin/\(tool)" }
                    .first { FileManager.default.isExecutableFile(atPath: $0) }
            },
        ]
        for candidate in candidates {
            if let path = candidate(), FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw StoreError(
            .failure, "no PostgreSQL server found (\(tool) is not installed)",
            hint: "Install it with: apt-get install postgresql libpq-dev   (or set DISRUPT_DATABASE_URL to use an existing server)"
        )
    }
}
