import DisruptStore
import Foundation

/// Runs the real `disrupt` executable, as a user would, and captures what it printed.
public enum DisruptBinary {
    /// What one run printed and returned.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The built binary: `$DISRUPT_BINARY`, else `disrupt` beside the test bundle.
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["DISRUPT_BINARY"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("disrupt").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("disrupt").path
    }

    /// Runs `disrupt arguments...` against `databaseURL` (as `DISRUPT_DATABASE_URL`), with
    /// extra environment, optional standard input, no terminal, and `NO_COLOR`.
    public static func run(_ arguments: [String], databaseURL: String?, environment extra: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let output = try Subprocess.run(path, arguments, environment: environment(databaseURL: databaseURL, extra),
                                        stdin: stdin.map { .bytes(Data($0.utf8)) } ?? .null)
        return Result(status: output.status, stdout: output.standardOutput, stderr: output.standardError)
    }

    /// The inherited environment with `DISRUPT_DATABASE_URL`, `NO_COLOR` and no `PGUSER`, then `extra`.
    static func environment(databaseURL: String?, _ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DISRUPT_DATABASE_URL"] = databaseURL
        environment["NO_COLOR"] = "1"
        environment["PGUSER"] = nil
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs another program (for example `disrupt-bench`) with the inherited environment.
    public static func runProgram(_ program: String, _ arguments: [String]) throws -> Result {
        let output = try Subprocess.run(program, arguments)
        return Result(status: output.status, stdout: output.standardOutput, stderr: output.standardError)
    }

    /// Decodes a run's standard output as JSON.
    public static func json(_ result: Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }
}
