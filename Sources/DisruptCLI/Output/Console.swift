import DisruptStore
import Foundation

/// Where a command writes: standard output for results, standard error for messages and
/// progress. Tests capture both by giving their own sinks.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// True when standard output is a terminal (colour and tables for people).
    public let isTerminal: Bool
    /// True when standard error is a terminal (progress bars).
    public let isErrorTerminal: Bool
    /// Colour is used only on a terminal, and never when `NO_COLOR` is set.
    public let useColour: Bool

    public init(isTerminal: Bool, isErrorTerminal: Bool, noColour: Bool, out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.isErrorTerminal = isErrorTerminal
        self.useColour = isTerminal && !noColour
        self.writeOut = out
        self.writeErr = err
    }

    /// The process's real standard output and error.
    public static func standard(environment: [String: String]) -> Console {
        Console(
            isTerminal: isatty(STDOUT_FILENO) == 1,
            isErrorTerminal: isatty(STDERR_FILENO) == 1,
            noColour: environment["NO_COLOR"].map { !$0.isEmpty } ?? false,
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) }
        )
    }

    public func print(_ text: String = "") { lock.withLock { writeOut(text + "\n") } }
    public func write(_ text: String) { lock.withLock { writeOut(text) } }
    public func error(_ text: String) { lock.withLock { writeErr(text + "\n") } }
    public func writeError(_ text: String) { lock.withLock { writeErr(text) } }

    /// Writes a value as pretty JSON with sorted keys (stable for scripts and diffs).
    public func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = Timestamp.jsonEncoding
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Wraps text in an ANSI style when colour is on.
    public func styled(_ text: String, _ style: Style) -> String {
        useColour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// ANSI styles.
    public enum Style: String, Sendable {
        case bold = "1", red = "31", yellow = "33", green = "32", dim = "2", boldRed = "1;31"
    }
}
