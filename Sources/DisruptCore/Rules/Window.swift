/// A look-back window ending on the as-of day.
///
/// "In the last N months" means `date > asOf.adding(months: -N) && date <= asOf`: with as-of
/// 2026-06-15 and 12 months, 2025-06-16 is inside and 2025-06-15 is outside. Days work the same.
public enum Window: Sendable, Hashable, CustomStringConvertible {
    case months(Int)
    case days(Int)

    /// The exclusive lower bound: dates strictly after it (and on or before as-of) are inside.
    @inlinable
    public func start(asOf: Day) -> Day {
        switch self {
        case .months(let n): asOf.adding(months: -n)
        case .days(let n): asOf.adding(days: -n)
        }
    }

    /// True if `date` is inside the window ending on `asOf`.
    @inlinable
    public func contains(_ date: Day, asOf: Day) -> Bool {
        date > start(asOf: asOf) && date <= asOf
    }

    /// "the last 24 months", "the last 90 days".
    public var description: String {
        switch self {
        case .months(let n): n == 1 ? "the last month" : "the last \(n) months"
        case .days(let n): n == 1 ? "the last day" : "the last \(n) days"
        }
    }
}
