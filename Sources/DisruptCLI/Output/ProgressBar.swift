import Foundation

/// The one progress bar: a line on standard error, drawn only when standard error is a terminal
/// (so logs and pipes stay clean), redrawn at most ten times a second, and wiped when done so
/// the command's results start on a clean line. Safe to update from any thread.
public final class ProgressBar: @unchecked Sendable {
    private let console: Console
    private let label: String
    private let lock = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false
    private var finished = false

    public init(console: Console, label: String) {
        self.console = console
        self.label = label
    }

    /// Seconds since the bar was made (for rates in the detail).
    public var elapsed: TimeInterval { Date().timeIntervalSince(started) }

    /// Shows `fraction` (0...1) done, with an optional detail such as a count or a rate.
    public func update(_ fraction: Double, detail: String = "") {
        guard console.isErrorTerminal else { return }
        lock.withLock {
            let now = Date()
            guard !finished, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            drawn = true
            let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
            let width = 30
            let filled = Int(clamped * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            console.redrawErrorLine("\(label) [\(bar)] \(Int(clamped * 100))%" + (detail.isEmpty ? "" : "  \(detail)"))
        }
    }

    /// Wipes the bar's line.
    public func finish() {
        guard console.isErrorTerminal else { return }
        lock.withLock {
            guard !finished else { return }
            finished = true
            if drawn { console.clearErrorLine() }
        }
    }
}
