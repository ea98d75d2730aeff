import Foundation

/// The generator's own pseudo-random numbers: xoshiro256** seeded through SplitMix64, so the
/// same seed gives the same sequence on every platform and Swift version (the system random
/// source is never used).
struct ForceRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var state = seed
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in 0..<1.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in the closed range (multiply-shift; negligible bias for small ranges).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        let high = next().multipliedFullWidth(by: width).high
        return range.lowerBound + Int(high)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Geometric count of failures (0, 1, 2, ...) with the given mean.
    mutating func geometric(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        let p = 1 / (mean + 1)
        let u = max(unit(), 1e-12)
        return Int((log(u) / log(1 - p)).rounded(.down))
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    /// A value chosen with probability proportional to its weight.
    mutating func weighted<T>(_ table: WeightedTable<T>) -> T {
        let r = int(0...(table.total - 1))
        var lo = 0, hi = table.cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if table.cumulative[mid] > r { hi = mid } else { lo = mid + 1 }
        }
        return table.values[lo]
    }
}

/// Values with integer weights, prepared for `ForceRandom.weighted`.
struct WeightedTable<T> {
    let values: [T]
    let cumulative: [Int]
    let total: Int

    init(_ pairs: [(T, Int)]) {
        var running = 0
        var values: [T] = []
        var cumulative: [Int] = []
        for (value, weight) in pairs where weight > 0 {
            running += weight
            values.append(value)
            cumulative.append(running)
        }
        self.values = values
        self.cumulative = cumulative
        self.total = running
    }
}

extension WeightedTable: Sendable where T: Sendable {}
