/// A mistake in the command line: printed with the command's usage, exit code 2.
public struct UsageError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    /// The path of the command the mistake was made in (`["disrupt", "person", "show"]`).
    public var commandPath: [String]

    public var description: String { message }
}
