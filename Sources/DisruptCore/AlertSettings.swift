import Foundation

/// One alert kind's settings (`alerts.kinds.<kind>` of `Config/disrupt.json`).
public struct AlertKindSettings: Sendable, Hashable, Codable {
    /// false switches the kind off: the database creates no such alert.
    public var enabled: Bool
    /// Working days (Monday to Friday) after the record before the alert shows and is delivered.
    public var delayWorkingDays: Int

    public init(enabled: Bool = true, delayWorkingDays: Int) {
        self.enabled = enabled
        self.delayWorkingDays = delayWorkingDays
    }

    enum CodingKeys: String, CodingKey { case enabled, delayWorkingDays = "delay_working_days" }
}

/// The `alerts` object of `Config/disrupt.json`: which alert kinds are on, when each shows, and
/// how recent an event must be to alert on. Written to `disrupt.alert_settings` (with the
/// positive actions of `Config/triggers.json`) for the alert triggers to read.
public struct AlertSettings: Sendable, Hashable, Codable {
    /// Every kind, defaults filled in.
    public var kinds: [AlertKind: AlertKindSettings]
    /// An incident or relationship dated more than this many days before today fires no alert (`recent_days`, default 28).
    public var recentDays: Int

    public init(kinds: [AlertKind: AlertKindSettings] = [:], recentDays: Int = 28) {
        var all = kinds
        for kind in AlertKind.allCases where all[kind] == nil {
            all[kind] = AlertKindSettings(delayWorkingDays: kind.defaultDelayWorkingDays)
        }
        self.kinds = all
        self.recentDays = recentDays
    }

    /// The settings of one kind.
    public subscript(kind: AlertKind) -> AlertKindSettings {
        kinds[kind] ?? AlertKindSettings(delayWorkingDays: kind.defaultDelayWorkingDays)
    }

    enum CodingKeys: String, CodingKey { case kinds, recentDays = "recent_days" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let recent = try c.decodeIfPresent(Int.self, forKey: .recentDays) ?? 28
        guard recent >= 0 else { throw c.invalid(.recentDays, "must be at least 0") }
        var kinds: [AlertKind: AlertKindSettings] = [:]
        let raw = try c.decodeIfPresent([String: PartialKind].self, forKey: .kinds) ?? [:]
        for (name, value) in raw {
            guard let kind = AlertKind(rawValue: name) else {
                throw c.invalid(.kinds, "has an unknown alert kind \(name) (one of \(AlertKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let delay = value.delayWorkingDays ?? kind.defaultDelayWorkingDays
            guard delay >= 0 else { throw c.invalid(.kinds, "\(name).delay_working_days must be at least 0") }
            kinds[kind] = AlertKindSettings(enabled: value.enabled ?? true, delayWorkingDays: delay)
        }
        self.init(kinds: kinds, recentDays: recent)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Dictionary(uniqueKeysWithValues: kinds.map { ($0.key.rawValue, $0.value) }), forKey: .kinds)
        try c.encode(recentDays, forKey: .recentDays)
    }

    /// A kind as written in the file: both keys optional.
    struct PartialKind: Decodable {
        var enabled: Bool?
        var delayWorkingDays: Int?
        enum CodingKeys: String, CodingKey { case enabled, delayWorkingDays = "delay_working_days" }
    }

    /// What the database reads (`disrupt.alert_settings.settings`): these settings and the
    /// breach actions that count as positive action.
    public func databaseJSON(positiveActions: [BreachAction]) throws -> String {
        var object: [String: Any] = ["recent_days": recentDays, "positive_actions": positiveActions.map(\.rawValue)]
        var kindObject: [String: Any] = [:]
        for kind in AlertKind.allCases {
            kindObject[kind.rawValue] = ["enabled": self[kind].enabled, "delay_working_days": self[kind].delayWorkingDays]
        }
        object["kinds"] = kindObject
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
