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
    /// and the first line of its standard error).
    public func deliver(_ input: Data) -> String? {
        guard let executable = arguments.first else { return "no deliver command" }
        let result: Subprocess.Result
        do {
            // Its own process group, so that stopping a command that timed out also stops what it started.
            result = try Subprocess.run(executable, Array(arguments.dropFirst()), stdin: .bytes(input), stdout: .discard,
                                    timeout: timeout, processGroup: true)
        } catch {
            return "\(error)"
        }
        if result.termination.timedOut { return "\(executable) did not finish within \(Int(timeout)) s and was stopped" }
        if result.status == 0 { return nil }
        let reason = result.termination.signal.map { "signal \($0)" } ?? "exit status \(result.status)"
        let firstLine = result.standardError.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return "\(executable) failed (\(reason))" + (firstLine.isEmpty ? "" : ": \(firstLine.prefix(500))")
    }
}
