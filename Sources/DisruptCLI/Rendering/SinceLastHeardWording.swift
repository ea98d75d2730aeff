import DisruptCore

/// "Since last heard" in words, shared by the summary's text, Markdown and HTML renderers (each
/// escapes the lines its own way): a title, then one line per change, grouped in a fixed order.
enum SinceLastHeardWording {
    static func title(_ brief: SinceLastHeardBrief) -> String {
        "Since last heard: " + (brief.basis == "last_hearing" ? "last hearing \(brief.since.iso)" : "since \(brief.since.iso)")
            + " to \(brief.asOf.iso)"
    }

    /// The lines, each a sentence; a quiet period says so.
    static func lines(_ brief: SinceLastHeardBrief) -> [String] {
        var out = [score(brief)]
        if brief.isQuiet { out.append("Nothing new recorded since \(brief.since.iso) that you can see.") }
        out += brief.incidents.map {
            "New incident \($0.occurredOn.iso): \($0.offenceLabel) (gravity \($0.gravity))" + ($0.victim.map { " against \($0)" } ?? "")
        }
        out += brief.breaches.map { "Breach \($0.occurredOn.iso) of \($0.order): action \(SummaryWording.action($0.actionTaken))" }
        out += brief.markers.map { "New marker \($0.recordedOn.iso): \($0.label) (\(SummaryWording.agency($0.agency)))" }
        out += brief.reminders.map { "Alert \($0.raisedOn.iso) \($0.kind.replacingOccurrences(of: "_", with: " ")): \($0.message)" }
        out += brief.actionsDone.map {
            "Done \($0.doneOn.iso): \($0.tacticLabel) (\(SummaryWording.agency($0.agency)))" + ($0.outcome.map { ": \($0)" } ?? "")
        }
        out += brief.actionsOverdue.map {
            "OVERDUE: \($0.tacticLabel), \(SummaryWording.owner($0)), due \($0.dueOn.iso), \(SummaryWording.status($0.status))"
        }
        // an overdue action is already listed above as OVERDUE (with its status)
        out += brief.actionsNotStarted.filter { !$0.overdue }.map {
            "Not started: \($0.tacticLabel), \(SummaryWording.owner($0)), due \($0.dueOn.iso)"
        }
        return out
    }

    /// "Score 30 -> 42 (+12), RFG 20 -> 25 (+5)" from the stored scores.
    static func score(_ brief: SinceLastHeardBrief) -> String {
        guard let change = brief.score else { return "No stored score for him." }
        let then = change.then.map { "score \($0.score) and RFG \($0.rfg) stored as of \($0.asOf.iso)" }
            ?? "no score stored on or before \(brief.since.iso)"
        let now = change.now.map { "score \($0.score) and RFG \($0.rfg) now (as of \($0.asOf.iso))" } ?? "no score stored now"
        let delta = change.scoreChange.map { s in " Change: score \(signed(s)), RFG \(signed(change.rfgChange ?? 0))." } ?? ""
        return "Then: \(then); \(now).\(delta)"
    }

    /// One line for a meeting's agenda: the counts of what changed (only those not zero) and
    /// the score and RFG change, e.g. "1 new incident, 2 overdue actions; score 30 -> 42 (+12), RFG 20 -> 25 (+5)".
    static func compact(_ brief: SinceLastHeardBrief) -> String {
        let notStarted = brief.actionsNotStarted.filter { !$0.overdue }.count
        let counts = [(brief.incidents.count, "new incident"), (brief.breaches.count, "breach"), (brief.markers.count, "new marker"),
                      (brief.reminders.count, "alert"), (brief.actionsDone.count, "action done"),
                      (brief.actionsOverdue.count, "overdue action"), (notStarted, "action not started")]
            .filter { $0.0 > 0 }
            .map { n, what in "\(n) \(n == 1 ? what : plural(what))" }
        return (counts.isEmpty ? "nothing new" : counts.joined(separator: ", ")) + "; " + compactScore(brief)
    }

    /// "score 30 -> 42 (+12), RFG 20 -> 25 (+5)", or what is missing.
    static func compactScore(_ brief: SinceLastHeardBrief) -> String {
        guard let change = brief.score else { return "no stored score" }
        switch (change.then, change.now) {
        case let (then?, now?):
            return "score \(then.score) -> \(now.score) (\(signed(now.score - then.score))), RFG \(then.rfg) -> \(now.rfg) (\(signed(now.rfg - then.rfg)))"
        case let (nil, now?): return "score \(now.score), RFG \(now.rfg) now (none stored then)"
        case let (then?, nil): return "score \(then.score), RFG \(then.rfg) then (none stored now)"
        case (nil, nil): return "no stored score"
        }
    }

    private static func plural(_ what: String) -> String {
        what == "breach" ? "breaches" : what.replacingOccurrences(of: "incident", with: "incidents").replacingOccurrences(of: "marker", with: "markers")
            .replacingOccurrences(of: "alert", with: "alerts").replacingOccurrences(of: "action done", with: "actions done")
            .replacingOccurrences(of: "overdue action", with: "overdue actions").replacingOccurrences(of: "action not started", with: "actions not started")
    }

    static func signed(_ n: Int) -> String { n > 0 ? "+\(n)" : String(n) }
}
