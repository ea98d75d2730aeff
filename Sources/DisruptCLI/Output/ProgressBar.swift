import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (so logs and pipes stay clean), redrawn at most ten times a second.
public final class ProgressBar: @unchecked Sendable {
    private let console: Console
    private let label: String
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var finished = false

    public init(console: Console, label: String) {
        self.console = console
        self.label = label
    }

    /// Shows `fraction` (0...1) done, with an optional detail such as a rate.
    public func update(_ fraction: Double, detail: String = "") {
        guard console.isErrorTerminal else { return }
        lock.withLock {
            let now = Date()
            guard !finished, fraction >= 1 || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            let clamped = min(1, max(0, fraction))
            let width = 30
            let filled = Int(clamped * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            console.redrawErrorLine("\(label) [\(bar)] \(Int(clamped * 100))% \(detail)")
        }
    }

    /// Ends the bar's line.
    public func finish() {
        guard console.isErrorTerminal else { return }
        lock.withLock {
            guard !finished else { return }
            finished = true
            console.writeError("\n")
        }
    }
}
