/// Minimum total score for each risk band; a score at or above a threshold is in that band.
public struct BandThresholds: Sendable, Hashable, Codable {
    public var standard: Int
    public var medium: Int
    public var high: Int
    public var veryHigh: Int

    public init(standard: Int = 0, medium: Int, high: Int, veryHigh: Int) {
        self.standard = standard
        self.medium = medium
        self.high = high
        self.veryHigh = veryHigh
    }

    enum CodingKeys: String, CodingKey {
        case standard, medium, high
        case veryHigh = "very_high"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        standard = try c.decode(Int.self, forKey: .standard)
        medium = try c.decode(Int.self, forKey: .medium)
        high = try c.decode(Int.self, forKey: .high)
        veryHigh = try c.decode(Int.self, forKey: .veryHigh)
        guard standard < medium else { throw c.invalid(.medium, "must be greater than standard (\(standard))") }
        guard medium < high else { throw c.invalid(.high, "must be greater than medium (\(medium))") }
        guard high < veryHigh else { throw c.invalid(.veryHigh, "must be greater than high (\(high))") }
    }

    /// The band for a total score (scores below `standard` are standard too).
    @inlinable
    public func band(for score: Int) -> RiskBand {
        if score >= veryHigh { return .veryHigh }
        if score >= high { return .high }
        if score >= medium { return .medium }
        return .standard
    }
}
