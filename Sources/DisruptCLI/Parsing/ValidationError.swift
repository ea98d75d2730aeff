/// A mistake only visible from several values together (`--until` before `--since`): a usage
/// error, printed with the command's usage, exit code 2.
public struct ValidationError: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}
