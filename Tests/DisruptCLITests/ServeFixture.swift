import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// A private directory for one serve test: configurations whose delivery command is a shell
/// script, and the files those scripts write.
struct ServeFixture {
    let scratch: ScratchDirectory
    var directory: URL { scratch.url }

    init() throws {
        scratch = try ScratchDirectory("disrupt-serve")
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A config directory whose disrupt.json delivers with a shell script (`body`), run as
    /// `/bin/sh script`: executing a file this process has just written can fail with ETXTBSY
    /// while a concurrent test's child still holds the inherited write descriptor.
    func config(_ name: String, script body: String, interval: Int = 300) throws -> [String: String] {
        let configDirectory = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let script = configDirectory.appendingPathComponent("deliver.sh")
        try Data("\(body)\n".utf8).write(to: script)
        let settings = """
            {"reminders": {"interval_seconds": \(interval), "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7,
              "order_ending_days": 3, "deliver_command": ["/bin/sh", "\(script.path)"]}}
            """
        try Data(settings.utf8).write(to: configDirectory.appendingPathComponent("disrupt.json"))
        return ["DISRUPT_CONFIG_DIR": configDirectory.path]
    }

    /// The lines a delivery script appended to `name`.
    func lines(_ name: String) -> [String] {
        ((try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The reminder ids in the JSON lines a delivery script appended to `name`.
    func deliveredIDs(_ name: String) -> [Int] {
        lines(name).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reminder_id"] as? Int
        }
    }

    /// The process id a script wrote to `name` (`echo $$ > file`), once it is there.
    func pid(_ name: String) -> pid_t? {
        (try? String(contentsOfFile: path(name), encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Records a breach for the fixture's person (its trigger creates a breach_reported reminder).
    /// An arrest was made: positive action, so no breach_no_positive_action alert joins it.
    static func insertBreach(_ db: PostgresConnection, _ fx: PlanFixture, ref: String) throws {
        try db.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, action_taken, agency)
            SELECT \(ref), id, current_date, 'arrest', 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
            """)
    }

    /// True while `pid` is a live process (not gone, not a zombie).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        return !stat[close...].hasPrefix(") Z")
    }
}
