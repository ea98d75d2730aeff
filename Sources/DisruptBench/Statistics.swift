/// Summary statistics of repeated measurements.
public struct Statistics: Sendable, Encodable {
    public var count: Int
    public var median: Double
    public var min: Double
    public var max: Double
    public var p99: Double

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            // Nearest-rank percentile.
            let index = Swift.max(0, Swift.min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))
            return sorted[index]
        }
        if sorted.isEmpty {
            median = 0
        } else if sorted.count % 2 == 1 {
            median = sorted[sorted.count / 2]
        } else {
            median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        p99 = rank(0.99)
    }
}
