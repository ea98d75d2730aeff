import Foundation

/// The optional external command that delivers a reminder (`reminders.deliver_command`, an
/// argv array such as `["/usr/sbin/sendmail", "-t"]`). It gets one reminder as JSON on standard
/// input; exit status 0 means delivered. Its standard error is only read back to explain a failure.
public struct DeliveryCommand: Sendable {
    public let arguments: [String]
    /// A command running longer than this is stopped (TERM, then KILL) and counted as a failure.
    public var timeout: TimeInterval

    public init(arguments: [String], timeout: TimeInterval = 60) {
        self.arguments = arguments
        self.timeout = timeout
    }

    /// Runs the command with `input` on stdin. nil on success, else why it failed (exit status
    /// and the first line of its standard error). The command runs in its own process group,
    /// which is stopped (TERM, then KILL after `grace`) when the timeout passes or `shouldStop` (polled
    /// every 10 ms) returns true; either counts as a failure, since it may not have delivered.
    public func deliver(_ input: Data, shouldStop: () -> Bool = { false }) -> String? {
        guard let executable = arguments.first else { return "no deliver command" }
        do {
            // Its own process group, so that stopping a command also stops what it started.
            let child = try Subprocess(executable, Array(arguments.dropFirst()), stdin: .bytes(input),
                                       stdout: .discard, stderr: .capture, processGroup: true)
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                if let ended = try child.wait(timeout: 0.01) {
                    if ended.status == 0 { return nil }
                    let reason = ended.signal.map { "signal \($0)" } ?? "exit status \(ended.status)"
                    let firstLine = child.standardError.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                    return "\(executable) failed (\(reason))" + (firstLine.isEmpty ? "" : ": \(firstLine.prefix(500))")
                }
                if shouldStop() {
                    try child.stop(grace: Self.grace)
                    return "\(executable) was stopped because serve was stopping (it may have delivered: retried)"
                }
                if Date() > deadline {
                    try child.stop(grace: Self.grace)
                    return "\(executable) did not finish within \(Int(timeout)) s and was stopped"
                }
            }
        } catch {
            return "\(error)"
        }
    }

    /// How long a stopped command's process group gets between SIGTERM and SIGKILL: `serve`
    /// must stop within 2 seconds of SIGTERM even when a delivery hangs.
    static let grace: TimeInterval = 0.5
}
