/// A file with personal data (`PrivateFile`: `summary --out`, the rejects file) could not be
/// written: says which file and why, e.g. `cannot write /x/summary.md: its folder cannot be
/// written to (No such file or directory)`.
public struct PrivateFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file that was to be written.
    public var path: String
    /// What went wrong, in words.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
