import Foundation

/// The files of `SQL/` and `Config/`, embedded in the binary at build time.
public enum Resources {
    /// The text of an embedded file by its path from the package root (`SQL/migrations/0001_baseline.sql`).
    public static func text(_ path: String) -> String? {
        guard let encoded = EmbeddedResources.base64Files[path],
              let data = Data(base64Encoded: encoded) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The SHA-256 of an embedded file's bytes, computed when it was embedded.
    public static func checksum(_ path: String) -> String? {
        EmbeddedResources.checksums[path]
    }

    /// The embedded paths under a folder and its subfolders (`SQL/definitions`), sorted.
    public static func paths(under folder: String) -> [String] {
        EmbeddedResources.base64Files.keys.filter { $0.hasPrefix(folder + "/") }.sorted()
    }
}
