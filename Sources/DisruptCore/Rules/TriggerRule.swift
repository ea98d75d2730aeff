/// The algorithm a trigger code runs. Codes are fixed by the product; their parameters come from
/// `Config/triggers.json`.
public enum TriggerKind: String, Sendable, CaseIterable {
    /// A matching marker (active at as-of), incident (by offence tag) or order (by type), in the
    /// window if one is set, otherwise ever. Optional `recent_months` / `recent_weight` raise the
    /// weight when the most recent evidence is recent (weapons).
    case match
    /// A matching active marker, or at least `min_recent_incidents` incidents with a matching
    /// offence (`offence_tags`) in the last `compare_months` and more than in the `compare_months`
    /// before that.
    case rising
    /// Any breach in the window, and any incident in the window on a day an order of
    /// `order_types` (bail, RUI, licence) was in force, unless a breach of such an order (or of
    /// no order) is recorded that day; weight = min(weight + per_extra × (count − 1), max_weight).
    case breaches
    /// Incidents against `min_victims`+ distinct victims aged 16 or over on the day of the
    /// incident (`PartyFact.isAdultVictim`) in the window, or a matching active marker.
    case victims
    /// `min_incidents`+ incidents in the window.
    case frequency
    /// A current relationship of the listed kinds with contact, while any other trigger fires.
    case contact

    /// The kind each product trigger code runs.
    public static let byCode: [String: TriggerKind] = [
        "homeless": .match, "coercive_control_escalating": .rising, "self_harm_suicide": .match,
        "substance_misuse": .match, "mental_ill_health": .match, "breach_history": .breaches,
        "stalking_harassment": .match, "threats": .match, "weapons": .match,
        "serial_perpetrator": .victims, "escalation": .frequency, "risk_to_professionals": .match,
        "sexual_violence": .match, "strangulation": .match, "threats_to_kill": .match, "arson": .match,
        "child_contact": .contact,
    ]
}

/// One trigger's configuration, as decoded from an entry of `triggers` in `Config/triggers.json`.
public struct TriggerRule: Sendable, Hashable {
    public var code: String
    public var label: String
    public var kind: TriggerKind
    public var enabled: Bool
    /// Points added to the score when the trigger fires (base weight for breaches).
    public var weight: Int
    /// Look-back window; nil means ever (markers must still be active at as-of).
    public var window: Window?
    public var markerKinds: [String]
    public var offenceTags: [String]
    public var orderTypes: [String]
    /// `match`: evidence this recent uses `recentWeight` instead of `weight`.
    public var recentWindow: Window?
    public var recentWeight: Int?
    /// `breaches`: extra points for each breach after the first, and the cap.
    public var perExtra: Int
    public var maxWeight: Int?
    /// `frequency`: incidents needed.
    public var minIncidents: Int
    /// `victims`: distinct victims needed.
    public var minVictims: Int
    /// `rising`: length in months of each half of the comparison, and incidents needed in the recent half.
    public var compareMonths: Int
    public var minRecentIncidents: Int
    /// `contact`: relationships that count.
    public var relationships: [RelationshipKind]

    public init(
        code: String, label: String, kind: TriggerKind, enabled: Bool = true, weight: Int, window: Window? = nil,
        markerKinds: [String] = [], offenceTags: [String] = [], orderTypes: [String] = [],
        recentWindow: Window? = nil, recentWeight: Int? = nil, perExtra: Int = 0, maxWeight: Int? = nil,
        minIncidents: Int = 0, minVictims: Int = 0, compareMonths: Int = 0, minRecentIncidents: Int = 1,
        relationships: [RelationshipKind] = []
    ) {
        self.code = code
        self.label = label
        self.kind = kind
        self.enabled = enabled
        self.weight = weight
        self.window = window
        self.markerKinds = markerKinds
        self.offenceTags = offenceTags
        self.orderTypes = orderTypes
        self.recentWindow = recentWindow
        self.recentWeight = recentWeight
        self.perExtra = perExtra
        self.maxWeight = maxWeight
        self.minIncidents = minIncidents
        self.minVictims = minVictims
        self.compareMonths = compareMonths
        self.minRecentIncidents = minRecentIncidents
        self.relationships = relationships
    }

    /// Weight for a breach count (`breaches` kind): base, plus `perExtra` per extra breach, capped.
    public func breachWeight(count: Int) -> Int {
        guard count > 0 else { return 0 }
        let grown = weight + perExtra * (count - 1)
        return maxWeight.map { min(grown, $0) } ?? grown
    }
}
