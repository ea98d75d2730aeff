/// Medians and percentiles of whole-number measurements (days, score changes), one definition
/// for every report.
///
/// - median: the middle value of the sorted values; with an even count, the mean of the two
///   middle values (so it may end in .5).
/// - percentile p (0 < p <= 100): the nearest-rank method — the value at rank ⌈p/100 × n⌉ of the
///   sorted values (1-based). It is always one of the observed values: the 90th percentile of
///   ten values is the 9th smallest, of one value that value.
/// Both are nil for no values. Values may be added with a count (a histogram from the database).
public struct Distribution: Sendable, Hashable {
    /// Value → number of observations, only positive counts.
    public private(set) var counts: [Int: Int]

    public init(_ values: [Int] = []) {
        counts = [:]
        for value in values { counts[value, default: 0] += 1 }
    }

    /// Adds `count` observations of `value`.
    public mutating func add(_ value: Int, count: Int = 1) {
        guard count > 0 else { return }
        counts[value, default: 0] += count
    }

    /// How many observations.
    public var count: Int { counts.values.reduce(0, +) }

    /// The value at 1-based rank `rank` of the sorted observations.
    func value(atRank rank: Int) -> Int? {
        var seen = 0
        for value in counts.keys.sorted() {
            seen += counts[value] ?? 0
            if seen >= rank { return value }
        }
        return nil
    }

    /// The median (mean of the two middle values when the count is even).
    public var median: Double? {
        let n = count
        guard n > 0 else { return nil }
        if n % 2 == 1 { return value(atRank: n / 2 + 1).map(Double.init) }
        guard let low = value(atRank: n / 2), let high = value(atRank: n / 2 + 1) else { return nil }
        return Double(low + high) / 2
    }

    /// The nearest-rank percentile `p` (0 < p <= 100).
    public func percentile(_ p: Int) -> Int? {
        precondition(p > 0 && p <= 100, "percentile must be in 1...100")
        let n = count
        guard n > 0 else { return nil }
        return value(atRank: (p * n + 99) / 100)
    }

    /// How many observations are at most `limit`.
    public func count(atMost limit: Int) -> Int {
        counts.reduce(0) { $0 + ($1.key <= limit ? $1.value : 0) }
    }
}
