import Foundation

/// The meeting cycle's limits, from the `forum` object of `Config/disrupt.json`.
///
/// Defaults: a referral waiting more than 14 days for its hearing is flagged (a fortnightly
/// Marac hears every referral within two weeks; the 2025 SafeLives survey names cases heard three
/// to six weeks after referral as the failure); each case is budgeted 10 minutes (the survey's
/// "10-minute cases"); research returns are due 3 days before the meeting, when the reminder sweep
/// starts chasing the agencies that have not returned.
public struct ForumSettings: Sendable, Hashable, Codable {
    /// Days from referral to hearing after which the agenda and `meeting waiting` warn.
    public var waitingLimitDays: Int
    /// Minutes set aside for each case on an agenda.
    public var minutesPerCase: Int
    /// Days before a meeting that the invited agencies' research is due.
    public var researchDueDays: Int

    public init(waitingLimitDays: Int = 14, minutesPerCase: Int = 10, researchDueDays: Int = 3) {
        self.waitingLimitDays = waitingLimitDays
        self.minutesPerCase = minutesPerCase
        self.researchDueDays = researchDueDays
    }

    enum CodingKeys: String, CodingKey {
        case waitingLimitDays = "waiting_limit_days", minutesPerCase = "minutes_per_case", researchDueDays = "research_due_days"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, default value: Int, minimum: Int) throws -> Int {
            guard c.contains(key) else { return value }
            let read = try c.decode(Int.self, forKey: key)
            guard read >= minimum else { throw c.invalid(key, "must be at least \(minimum)") }
            return read
        }
        waitingLimitDays = try read(.waitingLimitDays, default: 14, minimum: 1)
        minutesPerCase = try read(.minutesPerCase, default: 10, minimum: 1)
        researchDueDays = try read(.researchDueDays, default: 3, minimum: 0)
    }
}
