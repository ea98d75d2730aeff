import DisruptCore
import DisruptStore
import Foundation

/// Where a command writes: standard output for results, standard error for messages and
/// progress. Tests capture both by giving their own sinks.
///
/// Every text written through `print`, `write`, `error` and `writeError` passes through the
/// one output sanitiser (`TerminalSafe.text`) and has passwords in database URLs redacted
/// (`SecretRedaction`), so no command can print a control character that came from data nor
/// a password. disrupt's own terminal styling survives because it is not written as ESC but
/// as `escapeToken`, a random per-run string that data cannot know; it is turned into ESC
/// only after the text has been made safe. JSON (`printJSON`) and HTML (`writeDocument`) are
/// written as they are: their own escaping applies.
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
    /// Stands for ESC in disrupt's own styling; random per run, so data cannot forge it.
    public let escapeToken = "\u{E000}\(UUID().uuidString)\u{E001}"

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

    public func print(_ text: String = "") { lock.withLock { writeOut(safe(text) + "\n") } }
    public func write(_ text: String) { lock.withLock { writeOut(safe(text)) } }
    public func error(_ text: String) { lock.withLock { writeErr(safe(text) + "\n") } }
    public func writeError(_ text: String) { lock.withLock { writeErr(safe(text)) } }

    /// Prints a connection URL as it is, password included (for `disrupt db url`, whose output
    /// is meant for `psql "$(disrupt db url)"`); control characters are still made visible.
    public func printConnectionURL(_ url: String) { lock.withLock { writeOut(TerminalSafe.text(url) + "\n") } }

    /// Wipes the line `redrawErrorLine` drew.
    public func clearErrorLine() { lock.withLock { writeErr("\r\u{1B}[K") } }

    /// Redraws the current line of standard error (a progress bar): carriage return, the
    /// sanitised text, and erase-to-end-of-line.
    public func redrawErrorLine(_ text: String) { lock.withLock { writeErr("\r" + safe(text) + "\u{1B}[K") } }

    /// Writes a finished machine-readable document (HTML, or JSON made without `printJSON`) as
    /// it is: it has its own escaping.
    public func writeDocument(_ text: String) { lock.withLock { writeOut(text) } }

    /// Writes a value as pretty JSON with sorted keys (stable for scripts and diffs). JSON
    /// escapes control characters itself, so it is not sanitised.
    public func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = Timestamp.jsonEncoding
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        lock.withLock { writeOut(json + "\n") }
    }

    /// Wraps text in an ANSI style when colour is on.
    public func styled(_ text: String, _ style: Style) -> String {
        useColour ? "\(escapeToken)[\(style.rawValue)m\(text)\(escapeToken)[0m" : text
    }

    /// The one sanitising step: control characters made visible, passwords redacted, and
    /// only then disrupt's own escape token turned into ESC.
    private func safe(_ text: String) -> String {
        let clean = SecretRedaction.redact(TerminalSafe.text(text))
        guard clean.contains(escapeToken) else { return clean }
        return clean.replacingOccurrences(of: escapeToken, with: "\u{1B}")
    }

    /// ANSI styles.
    public enum Style: String, Sendable {
        case bold = "1", red = "31", yellow = "33", green = "32", dim = "2", boldRed = "1;31"
    }
}
