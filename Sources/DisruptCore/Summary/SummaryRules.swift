/// The summary's rules about time and absence, kept apart so each is tested on its own.
///
/// Windows follow the trigger rules: "in the last N months" means `date > asOf - N months`
/// and `date <= asOf`; an order is in force on a day from `startsOn` through `endsOn` inclusive.
public enum SummaryRules {
    /// The look-back of the orders, breaches and incidents sections.
    public static let windowMonths = 24
    /// How many incidents the incidents section lists.
    public static let recentIncidents = 5

    /// Exclusive start of the last `months` months before `asOf`.
    public static func windowStart(asOf: Day, months: Int = windowMonths) -> Day { asOf.adding(months: -months) }

    /// `day` falls in the last `months` months before `asOf`.
    public static func isInWindow(_ day: Day, asOf: Day, months: Int = windowMonths) -> Bool {
        day > windowStart(asOf: asOf, months: months) && day <= asOf
    }

    /// Marker kinds that warn anyone meeting the person.
    public static let professionalRiskMarkers: Set<String> = ["risk_to_professionals", "weapons", "firearms_access"]

    /// Offence tag that puts an incident in the risks section.
    public static let weaponTag = "weapon"

    /// Calendar months ("YYYY-MM") from the month of the window's start through `asOf`'s month.
    public static func months(asOf: Day, months count: Int = windowMonths) -> [String] {
        let start = windowStart(asOf: asOf, months: count).components
        let end = asOf.components
        var year = start.year
        var month = start.month
        var result: [String] = []
        while (year, month) <= (end.year, end.month) {
            result.append(monthKey(year: year, month: month))
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }

    /// "YYYY-MM" of a day.
    public static func monthKey(_ day: Day) -> String {
        let parts = day.components
        return monthKey(year: parts.year, month: parts.month)
    }

    private static func monthKey(year: Int, month: Int) -> String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (month < 10 ? "0" : "") + String(month)
    }

    /// What the guidance expects to be known and nobody has shared, as of `asOf`: active markers
    /// (or any marker from the specialist agency) for vehicles/premises, mental health, substance
    /// misuse and employment/skills; any child or step-child relationship for children.
    public static func missing(_ dossier: PersonDossier, asOf: Day) -> [SummaryMissingItem] {
        let active = dossier.markers.filter { $0.isActive(on: asOf) }
        let kinds = Set(active.map(\.kind))
        let agencies = Set(active.map(\.agency))
        var items: [SummaryMissingItem] = []
        if kinds.isDisjoint(with: ["access_vehicles", "access_premises"]) {
            items.append(.init(code: "vehicles_premises", label: "Vehicles and premises he has access to", ask: "police, housing"))
        }
        if kinds.isDisjoint(with: ["mental_ill_health", "self_harm_suicide"]) && !agencies.contains("mental_health") {
            items.append(.init(code: "mental_health", label: "Mental health", ask: "health, mental health services"))
        }
        if !kinds.contains("substance_misuse") && !agencies.contains("substance_misuse") {
            items.append(.init(code: "substance_misuse", label: "Substance misuse", ask: "substance misuse services, probation"))
        }
        if kinds.isDisjoint(with: ["employment_skills", "access_it_skills"]) {
            items.append(.init(code: "employment_skills", label: "Employment and skills", ask: "probation, police"))
        }
        if !dossier.relationships.contains(where: { ["child", "step_child"].contains($0.relationship) }) {
            items.append(.init(code: "children", label: "Children", ask: "children's social care, education"))
        }
        return items
    }

    /// The warnings an empty or missing section carries.
    public static func warnings(plan: DossierPlan?, missing: [SummaryMissingItem]) -> [String] {
        var warnings: [String] = []
        if plan == nil { warnings.append("No open disruption plan: no SPOC is tasked with this perpetrator.") }
        if missing.contains(where: { $0.code == "mental_health" }) { warnings.append("No mental health information has been shared.") }
        if missing.contains(where: { $0.code == "substance_misuse" }) { warnings.append("No substance misuse information has been shared.") }
        return warnings
    }
}
