/// The `report` object of `Config/disrupt.json`: what `disrupt report` needs that the data does
/// not hold.
public struct ReportSettings: Sendable, Hashable, Codable {
    /// A case should be heard within this many days of its referral (`hearing_limit_days`,
    /// default 28: a monthly Marac hears every referral at its next meeting).
    public var hearingLimitDays: Int
    /// Adults (16 and over) living in each area (`adult_population`: area → count; the key `all`
    /// is the whole force, used when no --area is given). Without an entry the rate per 10,000
    /// adults is left out.
    public var adultPopulation: [String: Int]

    public init(hearingLimitDays: Int = 28, adultPopulation: [String: Int] = [:]) {
        self.hearingLimitDays = hearingLimitDays
        self.adultPopulation = adultPopulation
    }

    enum CodingKeys: String, CodingKey {
        case hearingLimitDays = "hearing_limit_days", adultPopulation = "adult_population"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hearingLimitDays = try c.decodeIfPresent(Int.self, forKey: .hearingLimitDays) ?? 28
        guard hearingLimitDays >= 0 else { throw c.invalid(.hearingLimitDays, "must be 0 or more") }
        adultPopulation = try c.decodeIfPresent([String: Int].self, forKey: .adultPopulation) ?? [:]
        if let bad = adultPopulation.first(where: { $0.value <= 0 }) {
            throw c.invalid(.adultPopulation, "the population of \(bad.key) must be above 0")
        }
    }

    /// The adult population for an area (nil: the whole force, key `all`).
    public func population(area: String?) -> Int? {
        adultPopulation[area ?? "all"]
    }
}
