import Foundation

/// When reminders are sent, from the `reminders` object of `Config/disrupt.json`.
public struct ReminderTimings: Sendable, Hashable, Codable {
    /// How often `disrupt serve` sweeps for due reminders.
    public var intervalSeconds: Int
    /// Remind the owner this many days before an action is due.
    public var dueSoonDays: Int
    /// Escalate to the SPOC / chair when an action is this many days overdue.
    public var escalationDays: Int
    /// Remind the SPOC this many days before a plan's review date.
    public var planReviewDays: Int
    /// Warn this many days before an order or licence ends.
    public var orderEndingDays: Int
    /// Remind probation this many days before a MAPPA category 1 or 2 licence ends to consider
    /// category 3 (`mappa_licence_days`, default 28).
    public var mappaLicenceDays: Int
    /// Remind a forum link's lead this many days before its next review date (`link_review_days`, default 7).
    public var linkReviewDays: Int
    /// Optional argv (`["/usr/sbin/sendmail", "-t"]`) that `disrupt serve` runs once per reminder
    /// with the reminder as JSON on standard input; exit 0 means delivered. `nil`: inbox only.
    public var deliverCommand: [String]?

    public init(
        intervalSeconds: Int = 60, dueSoonDays: Int = 3, escalationDays: Int = 7, planReviewDays: Int = 7,
        orderEndingDays: Int = 3, mappaLicenceDays: Int = 28, linkReviewDays: Int = 7, deliverCommand: [String]? = nil
    ) {
        self.mappaLicenceDays = mappaLicenceDays
        self.linkReviewDays = linkReviewDays
        self.intervalSeconds = intervalSeconds
        self.dueSoonDays = dueSoonDays
        self.escalationDays = escalationDays
        self.planReviewDays = planReviewDays
        self.orderEndingDays = orderEndingDays
        self.deliverCommand = deliverCommand
    }

    enum CodingKeys: String, CodingKey {
        case intervalSeconds = "interval_seconds", dueSoonDays = "due_soon_days"
        case escalationDays = "escalation_days", planReviewDays = "plan_review_days"
        case orderEndingDays = "order_ending_days", deliverCommand = "deliver_command"
        case mappaLicenceDays = "mappa_licence_days", linkReviewDays = "link_review_days"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, minimum: Int) throws -> Int {
            let value = try c.decode(Int.self, forKey: key)
            guard value >= minimum else { throw c.invalid(key, "must be at least \(minimum)") }
            return value
        }
        intervalSeconds = try read(.intervalSeconds, minimum: 1)
        dueSoonDays = try read(.dueSoonDays, minimum: 0)
        escalationDays = try read(.escalationDays, minimum: 0)
        planReviewDays = try read(.planReviewDays, minimum: 0)
        orderEndingDays = try read(.orderEndingDays, minimum: 0)
        mappaLicenceDays = try c.contains(.mappaLicenceDays) ? read(.mappaLicenceDays, minimum: 0) : 28
        linkReviewDays = try c.contains(.linkReviewDays) ? read(.linkReviewDays, minimum: 0) : 7
        deliverCommand = try c.decodeIfPresent([String].self, forKey: .deliverCommand)
        if let command = deliverCommand, command.first.map({ !$0.hasPrefix("/") }) ?? true {
            throw c.invalid(.deliverCommand, "must be an argument list starting with an absolute path, for example [\"/usr/sbin/sendmail\", \"-t\"]")
        }
    }
}

/// General defaults from `Config/disrupt.json`. Unknown keys are ignored (other layers may read them).
public struct Settings: Sendable, Hashable, Codable {
    public var reminders: ReminderTimings
    /// The meeting cycle's limits (`forum`, optional: defaults when absent).
    public var forum: ForumSettings
    /// The alerts that follow the perpetrator (`alerts`; every kind on, with its default timing, when absent).
    public var alerts: AlertSettings
    /// The steering-group report's settings (`report`, optional).
    public var report: ReportSettings

    public init(reminders: ReminderTimings = ReminderTimings(), forum: ForumSettings = ForumSettings(),
                alerts: AlertSettings = AlertSettings(), report: ReportSettings = ReportSettings()) {
        self.reminders = reminders
        self.forum = forum
        self.alerts = alerts
        self.report = report
    }

    enum CodingKeys: String, CodingKey { case reminders, forum, alerts, report }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reminders = try c.decode(ReminderTimings.self, forKey: .reminders)
        forum = try c.decodeIfPresent(ForumSettings.self, forKey: .forum) ?? ForumSettings()
        alerts = try c.decodeIfPresent(AlertSettings.self, forKey: .alerts) ?? AlertSettings()
        report = try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? ReportSettings()
    }

    /// Decodes `{"reminders": {...}, "forum"?: {...}, "alerts"?: {"recent_days"?, "kinds"?: {"<kind>": {"enabled"?, "delay_working_days"?}}}, "report"?: {"hearing_limit_days"?, "adult_population"?}}`, where reminders is `{"interval_seconds", "due_soon_days", "escalation_days", "plan_review_days", "order_ending_days", "mappa_licence_days"?, "link_review_days"?, "deliver_command"?}}`.
    public static func decode(_ data: Data, file: String = "disrupt.json") throws -> Settings {
        try ConfigDecoder.decode(Settings.self, from: data, file: file)
    }
}
