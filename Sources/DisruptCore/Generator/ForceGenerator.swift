import Foundation

/// Writes the ten import CSVs (`ForceFile`) of a synthetic police force.
///
/// Deterministic: the same `people`, `seed` and `asOf` give byte-identical files (the
/// generator uses its own PRNG and never reads the clock). Names are fictional. Shapes are
/// realistic rather than uniform: most perpetrators have one victim and a couple of incidents;
/// a long tail (about 4%) are serial, high-harm perpetrators with many incidents against
/// several victims, breaches, orders, Marac referrals (including repeats) and MAPPA, IOM and
/// MATAC links. Dates fall in the six years before `asOf` (end dates and reviews may be later).
/// Every reference resolves, so a clean import has no rejects.
public struct ForceGenerator: Sendable {
    /// The default "as of" day: 2026-11-01.
    public static let defaultAsOf = Day(year: 2026, month: 11, day: 1)!

    public let people: Int
    public let seed: UInt64
    public let asOf: Day

    public init(people: Int, seed: UInt64 = 1, asOf: Day? = nil) {
        self.people = max(0, people)
        self.seed = seed
        self.asOf = asOf ?? Self.defaultAsOf
    }

    /// Writes `people.csv` ... `referrals.csv` into `directory` (created if missing, files
    /// overwritten). `progress` is called with the fraction done (0...1) about a hundred times.
    @discardableResult
    public func write(to directory: URL, progress: ((Double) -> Void)? = nil) throws -> GeneratedCounts {
        let files = try ForceFileWriters(directory: directory)
        let builder = ForceBuilder(seed: seed, asOf: asOf, files: files)
        let step = max(1, people / 100)
        for number in 1...max(1, people) where number <= people {
            try builder.person(number: number)
            if number % step == 0 { progress?(Double(number) / Double(people)) }
        }
        try files.close()
        progress?(1)
        return builder.counts
    }
}
