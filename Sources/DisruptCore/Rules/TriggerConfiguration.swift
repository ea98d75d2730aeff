import Foundation

/// `Config/triggers.json`: the trigger rules in evaluation order, band thresholds and flag settings.
public struct TriggerConfiguration: Sendable, Hashable {
    /// Identifies this set of weights and windows; stored with each assessment.
    public var version: String
    public var bands: BandThresholds
    /// Repeat (SafeLives): an event within this many months after a Marac referral for the same victim.
    /// Also how far back from as-of a repeat event may be for the flag.
    public var repeatMonths: Int
    /// Rules in file order; every product trigger code appears once.
    public var rules: [TriggerRule]
    /// The actions on a breach that count as positive action (`positive_actions`).
    public var positiveActions: [BreachAction]

    /// Positive action by default: arrest, charge, summons or recall. A caution or warning is
    /// not positive action on a breach; nor is no action.
    public static let defaultPositiveActions: [BreachAction] = [.arrest, .charge, .summons, .recall]

    public init(
        version: String, bands: BandThresholds, repeatMonths: Int = 12, rules: [TriggerRule],
        positiveActions: [BreachAction] = TriggerConfiguration.defaultPositiveActions
    ) {
        self.version = version
        self.bands = bands
        self.repeatMonths = repeatMonths
        self.rules = rules
        self.positiveActions = positiveActions
    }

    /// True when the action taken on a breach counts as positive action.
    public func isPositive(_ action: BreachAction) -> Bool { positiveActions.contains(action) }

    /// The repeat rule with this configuration's window.
    public var repeatRule: RepeatRule { RepeatRule(months: repeatMonths) }

    /// The rule with this code.
    public func rule(_ code: String) -> TriggerRule? { rules.first { $0.code == code } }

    private struct Entry: Decodable {
        let code: String
        let label: String
        let weight: Int
        let enabled: Bool?
        let windowMonths: Int?
        let windowDays: Int?
        let markerKinds: [String]?
        let offenceTags: [String]?
        let orderTypes: [String]?
        let recentMonths: Int?
        let recentWeight: Int?
        let perExtra: Int?
        let maxWeight: Int?
        let minIncidents: Int?
        let minVictims: Int?
        let compareMonths: Int?
        let minRecentIncidents: Int?
        let relationships: [RelationshipKind]?

        enum CodingKeys: String, CodingKey {
            case code, label, weight, enabled, relationships
            case windowMonths = "window_months", windowDays = "window_days"
            case markerKinds = "marker_kinds", offenceTags = "offence_tags", orderTypes = "order_types"
            case recentMonths = "recent_months", recentWeight = "recent_weight"
            case perExtra = "per_extra", maxWeight = "max_weight"
            case minIncidents = "min_incidents", minVictims = "min_victims"
            case compareMonths = "compare_months", minRecentIncidents = "min_recent_incidents"
        }
    }

    private struct Flags: Decodable {
        let repeatMonths: Int
        enum CodingKeys: String, CodingKey { case repeatMonths = "repeat_months" }
    }

    private struct File: Decodable {
        let version: String
        let bands: BandThresholds
        let flags: Flags
        let positiveActions: [String]?
        let triggers: [Entry]

        enum CodingKeys: String, CodingKey {
            case version, bands, flags, triggers
            case positiveActions = "positive_actions"
        }
    }

    /// Decodes and checks the file. Errors name the key, e.g. `triggers.json: triggers[9].min_incidents: ...`.
    public static func decode(_ data: Data, file: String = "triggers.json") throws -> TriggerConfiguration {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        guard !decoded.version.isEmpty else {
            throw ConfigurationError(file: file, key: "version", message: "must not be empty")
        }
        guard decoded.flags.repeatMonths > 0 else {
            throw ConfigurationError(file: file, key: "flags.repeat_months", message: "must be at least 1")
        }
        var rules: [TriggerRule] = []
        var seen = Set<String>()
        for (index, entry) in decoded.triggers.enumerated() {
            let rule = try makeRule(entry, at: "triggers[\(index)]", file: file)
            guard seen.insert(rule.code).inserted else {
                throw ConfigurationError(file: file, key: "triggers[\(index)].code", message: "duplicate code '\(rule.code)'")
            }
            rules.append(rule)
        }
        for code in TriggerKind.byCode.keys.sorted() where !seen.contains(code) {
            throw ConfigurationError(
                file: file, key: "triggers",
                message: "trigger '\(code)' is missing (set \"enabled\": false to switch it off)")
        }
        guard rules.count <= 64 else {
            throw ConfigurationError(file: file, key: "triggers", message: "at most 64 triggers")
        }
        var positive = defaultPositiveActions
        if let codes = decoded.positiveActions {
            positive = []
            for (index, code) in codes.enumerated() {
                guard let action = BreachAction(rawValue: code), action != .none else {
                    throw ConfigurationError(
                        file: file, key: "positive_actions[\(index)]",
                        message: "'\(code)' is not a breach action; known: "
                            + BreachAction.allCases.filter { $0 != .none }.map(\.rawValue).joined(separator: ", "))
                }
                if !positive.contains(action) { positive.append(action) }
            }
        }
        return TriggerConfiguration(
            version: decoded.version, bands: decoded.bands, repeatMonths: decoded.flags.repeatMonths, rules: rules,
            positiveActions: positive)
    }

    private static func makeRule(_ e: Entry, at path: String, file: String) throws -> TriggerRule {
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, key: "\(path).\(key)", message: message)
        }
        guard let kind = TriggerKind.byCode[e.code] else {
            throw fail("code", "unknown trigger '\(e.code)'; known: \(TriggerKind.byCode.keys.sorted().joined(separator: ", "))")
        }
        guard e.weight >= 0 else { throw fail("weight", "must be 0 or more") }
        if e.windowMonths != nil && e.windowDays != nil {
            throw fail("window_days", "give window_months or window_days, not both")
        }
        var window: Window?
        if let m = e.windowMonths {
            guard m > 0 else { throw fail("window_months", "must be at least 1") }
            window = .months(m)
        } else if let d = e.windowDays {
            guard d > 0 else { throw fail("window_days", "must be at least 1") }
            window = .days(d)
        }
        var rule = TriggerRule(
            code: e.code, label: e.label, kind: kind, enabled: e.enabled ?? true, weight: e.weight, window: window,
            markerKinds: e.markerKinds ?? [], offenceTags: e.offenceTags ?? [], orderTypes: e.orderTypes ?? [],
            relationships: e.relationships ?? [])
        switch kind {
        case .match:
            guard !(rule.markerKinds.isEmpty && rule.offenceTags.isEmpty && rule.orderTypes.isEmpty) else {
                throw fail("marker_kinds", "a matching trigger needs marker_kinds, offence_tags or order_types")
            }
            switch (e.recentMonths, e.recentWeight) {
            case (nil, nil): break
            case (let m?, let w?):
                guard m > 0 else { throw fail("recent_months", "must be at least 1") }
                guard w >= 0 else { throw fail("recent_weight", "must be 0 or more") }
                rule.recentWindow = .months(m)
                rule.recentWeight = w
            case (nil, _): throw fail("recent_months", "required with recent_weight")
            case (_, nil): throw fail("recent_weight", "required with recent_months")
            }
        case .rising:
            guard let months = e.compareMonths, months > 0 else {
                throw fail("compare_months", "required, at least 1")
            }
            guard !(rule.markerKinds.isEmpty && rule.offenceTags.isEmpty) else {
                throw fail("offence_tags", "a rising trigger needs marker_kinds or offence_tags")
            }
            rule.compareMonths = months
            rule.minRecentIncidents = max(1, e.minRecentIncidents ?? 1)
        case .breaches:
            guard window != nil else { throw fail("window_months", "required") }
            rule.perExtra = e.perExtra ?? 0
            guard rule.perExtra >= 0 else { throw fail("per_extra", "must be 0 or more") }
            rule.maxWeight = e.maxWeight
            if let cap = e.maxWeight, cap < e.weight { throw fail("max_weight", "must be at least weight") }
        case .victims:
            guard window != nil else { throw fail("window_months", "required") }
            guard let n = e.minVictims, n >= 2 else { throw fail("min_victims", "required, at least 2") }
            rule.minVictims = n
        case .frequency:
            guard window != nil else { throw fail("window_months", "required") }
            guard let n = e.minIncidents, n >= 1 else { throw fail("min_incidents", "required, at least 1") }
            rule.minIncidents = n
        case .contact:
            if rule.relationships.isEmpty { rule.relationships = [.child, .stepChild] }
        }
        return rule
    }
}
