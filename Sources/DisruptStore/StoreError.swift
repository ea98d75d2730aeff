/// A failure the user can act on, with the exit code the CLI should return.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// The documented exit codes of `disrupt`.
    public enum Kind: Int32, Sendable {
        case failure = 1
        case usage = 2
        case notFound = 3
        case permissionDenied = 4
        case conflict = 5
    }

    public var kind: Kind
    /// What went wrong, in a sentence.
    public var message: String
    /// What to do about it, when there is something to do.
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message)\n\($0)" } ?? message }
}
