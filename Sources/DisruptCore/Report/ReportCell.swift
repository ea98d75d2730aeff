/// One figure of a report table, kept as its raw value so each format (and the disclosure
/// control) decides how it is shown.
public enum ReportCell: Sendable, Hashable {
    /// A label (an agency, a heading, a measure's name): never a person.
    case text(String)
    /// A number of people, cases, referrals or actions.
    case count(Int)
    /// `part` of `whole`, shown as a percentage.
    case share(part: Int, whole: Int)
    /// A derived figure (a median, a rate) over `basis` observations; nil when there are none.
    case figure(Double?, basis: Int)

    /// A count from 1 to 4 is small: shown as "<5" under disclosure control.
    public static func isSmall(_ n: Int) -> Bool { (1...4).contains(n) }

    /// Whether disclosure control hides this cell's value.
    public var isSuppressible: Bool {
        switch self {
        case .text: false
        case .count(let n): Self.isSmall(n)
        case .share(let part, let whole): Self.isSmall(part) || Self.isSmall(whole)
        case .figure(_, let basis): Self.isSmall(basis)
        }
    }

    /// The value as text: counts as digits, shares as a percentage with one decimal, figures
    /// with at most one decimal; "<5" for a suppressed count, "suppressed" for a suppressed share
    /// or figure, "–" when there is nothing to divide or measure.
    public func display(suppressSmall: Bool) -> String {
        if suppressSmall && isSuppressible {
            if case .count = self { return "<5" }
            return "suppressed"
        }
        switch self {
        case .text(let value): return value
        case .count(let n): return String(n)
        case .share(let part, let whole):
            guard whole > 0 else { return "–" }
            return Self.decimal(Double(part) * 100 / Double(whole)) + "%"
        case .figure(let value, _):
            return value.map(Self.decimal) ?? "–"
        }
    }

    /// One decimal place at most ("12", "12.5"), rounded half away from zero.
    public static func decimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded(.toNearestOrAwayFromZero)
        let whole = Int(tenths) / 10, rest = abs(Int(tenths) % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return rest == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(rest)"
    }

    /// The numeric value (a share as a percentage), nil for text or nothing measured.
    public var number: Double? {
        switch self {
        case .text: nil
        case .count(let n): Double(n)
        case .share(let part, let whole): whole > 0 ? Double(part) * 100 / Double(whole) : nil
        case .figure(let value, _): value
        }
    }
}

/// One table of a report: an id (the CSV file's name), a title, column headings and rows.
public struct ReportTable: Sendable, Hashable {
    public var id: String
    public var title: String
    /// Column ids (JSON keys, CSV headings).
    public var columns: [String]
    /// Column headings for people.
    public var headings: [String]
    public var rows: [[ReportCell]]

    public init(id: String, title: String, columns: [(id: String, heading: String)], rows: [[ReportCell]]) {
        self.id = id
        self.title = title
        self.columns = columns.map(\.id)
        self.headings = columns.map(\.heading)
        self.rows = rows
    }
}
