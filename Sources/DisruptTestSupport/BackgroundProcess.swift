import DisruptStore
import Foundation

/// The real `disrupt` binary running in the background (for `disrupt serve`), standard output
/// and error going to files the test can read while it runs. Killed when released.
public final class BackgroundProcess: Sendable {
    private let child: Subprocess

    /// Starts `disrupt arguments...` against `databaseURL` with extra environment, no terminal, `NO_COLOR`.
    public init(_ arguments: [String], databaseURL: String, environment extra: [String: String] = [:]) throws {
        child = try Subprocess(DisruptBinary.path, arguments, environment: DisruptBinary.environment(databaseURL: databaseURL, extra),
                               stdout: .capture, stderr: .capture)
    }

    /// Its process id.
    public var pid: pid_t { child.pid }

    /// What it has written to standard error so far.
    public var standardError: String { child.standardError }
    /// What it has written to standard output so far.
    public var standardOutput: String { child.standardOutput }

    /// Sends a signal (SIGTERM by default).
    public func signal(_ number: Int32 = SIGTERM) { child.signal(number) }

    /// Waits up to `timeout` seconds for it to exit; its exit status, or nil if still running.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        (try? child.wait(timeout: timeout))??.status
    }

    /// Polls `condition` every 20 ms until it is true or `timeout` seconds pass; whether it became true.
    public static func eventually(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(20_000)
        } while Date() < deadline
        return try condition()
    }
}
