import DisruptCore
import DisruptStore
import Foundation

/// Words and local times the summary's renderers share, so every format says the same thing.
enum SummaryWording {
    /// A timestamp in the local time zone, as all text output shows one.
    static func localTime(_ date: Date) -> String { Timestamp.local(date) }

    static func agency(_ code: String) -> String { Agency(rawValue: code)?.label ?? code }

    static func action(_ code: String) -> String {
        code == "not_recorded" ? "not recorded" : code.replacingOccurrences(of: "_", with: " ")
    }

    static func status(_ code: String) -> String { code.replacingOccurrences(of: "_", with: " ") }

    static func relationship(_ code: String?) -> String { code.map { $0.replacingOccurrences(of: "_", with: " ") } ?? "" }

    /// One line per risk item: "Risk to professionals, 2026-03-01 (police): threatened a housing officer".
    static func risk(_ item: SummaryRiskItem) -> String {
        let kind = item.source == "incident" ? "offence: " : ""
        return "\(kind)\(item.label), \(item.on.iso) (\(agency(item.agency)))" + (item.note.map { ": \($0)" } ?? "")
    }

    /// The flags that are set, as short phrases.
    static func flags(_ flags: SummaryFlags) -> [String] {
        var out: [String] = []
        if flags.serial { out.append("Serial perpetrator") }
        if flags.escalating { out.append("Escalating") }
        if flags.repeat { out.append("Repeat" + (flags.repeatOn.map { " (since \($0.iso))" } ?? "")) }
        if flags.pdp { out.append("Potentially dangerous person (PDP)") }
        if flags.mappaCategory != nil || flags.mappaLevel != nil {
            out.append("MAPPA category \(flags.mappaCategory.map(String.init) ?? "?") level \(flags.mappaLevel.map(String.init) ?? "?")")
        }
        if let cohort = flags.iomCohort { out.append("IOM \(cohort) cohort") }
        if flags.matac { out.append("MATAC") }
        return out
    }

    static func trend(_ risk: SummaryRisk) -> String {
        risk.trend.map { "\($0.point.replacingOccurrences(of: "_", with: " ")) \($0.score) (\($0.asOf.iso))" }.joined(separator: ", ")
    }

    /// "Ask health: 1 record withheld (marker)".
    static func withheld(_ item: SummaryWithheld) -> String {
        "\(item.sentence): \(item.tables.joined(separator: ", ")). Ask \(item.agencyLabel)."
    }

    static func owner(_ action: SummaryAction) -> String {
        action.owner == action.agency ? agency(action.agency) : "\(action.owner) (\(agency(action.agency)))"
    }
}
