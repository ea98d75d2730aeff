import Foundation

/// `Config/rfg.json`: Recency-Frequency-Gravity (MATAC) plus Victims (Cleveland's RFGV).
///
/// - recency: points for days since the latest incident on or before as-of (first band with
///   `days <= max_days`; none, or no incident, scores 0).
/// - frequency: points for the number of incidents in the window (highest band with `count >= min_count`).
/// - gravity: sum of incident gravities in the window, capped at `cap` if set; if `bands` is set the
///   (capped) sum is converted to points like frequency (`total >= min_total`).
/// - victims: distinct victims in the window × `weight`, capped at `cap` if set.
public struct RFGConfiguration: Sendable, Hashable {
    /// One recency band: `points` if the latest incident is at most `maxDays` days before as-of.
    public struct RecencyBand: Sendable, Hashable, Codable {
        public var maxDays: Int
        public var points: Int
        public init(maxDays: Int, points: Int) {
            self.maxDays = maxDays
            self.points = points
        }
        enum CodingKeys: String, CodingKey {
            case maxDays = "max_days", points
        }
    }

    /// One threshold band: `points` when the value is at least `min`.
    public struct ThresholdBand: Sendable, Hashable {
        public var min: Int
        public var points: Int
        public init(min: Int, points: Int) {
            self.min = min
            self.points = points
        }
    }

    public var version: String
    public var window: Window
    /// Ascending by `maxDays`.
    public var recency: [RecencyBand]
    /// Ascending by `min` (incident count).
    public var frequency: [ThresholdBand]
    public var gravityCap: Int?
    /// Ascending by `min` (gravity total); nil = raw (capped) sum.
    public var gravityBands: [ThresholdBand]?
    public var victimWeight: Int
    public var victimCap: Int?

    public init(
        version: String, window: Window, recency: [RecencyBand], frequency: [ThresholdBand], gravityCap: Int? = nil,
        gravityBands: [ThresholdBand]? = nil, victimWeight: Int, victimCap: Int? = nil
    ) {
        self.version = version
        self.window = window
        self.recency = recency.sorted { $0.maxDays < $1.maxDays }
        self.frequency = frequency.sorted { $0.min < $1.min }
        self.gravityCap = gravityCap
        self.gravityBands = gravityBands?.sorted { $0.min < $1.min }
        self.victimWeight = victimWeight
        self.victimCap = victimCap
    }

    /// Recency points for an incident `days` days before as-of (nil = no incident).
    public func recencyPoints(days: Int?) -> Int {
        guard let days, days >= 0 else { return 0 }
        for band in recency where days <= band.maxDays { return band.points }
        return 0
    }

    /// Frequency points for an incident count.
    public func frequencyPoints(count: Int) -> Int {
        Self.points(for: count, in: frequency)
    }

    /// Gravity points for a sum of gravities.
    public func gravityPoints(total: Int) -> Int {
        let capped = gravityCap.map { min(total, $0) } ?? total
        guard let gravityBands else { return capped }
        return Self.points(for: capped, in: gravityBands)
    }

    /// Victim points for a number of distinct victims.
    public func victimPoints(count: Int) -> Int {
        let raw = count * victimWeight
        return victimCap.map { min(raw, $0) } ?? raw
    }

    private static func points(for value: Int, in bands: [ThresholdBand]) -> Int {
        var points = 0
        for band in bands where value >= band.min { points = band.points }
        return points
    }

    // MARK: decoding

    private struct Threshold: Decodable {
        let min: Int
        let points: Int
        enum CodingKeys: String, CodingKey {
            case minCount = "min_count", minTotal = "min_total", points
        }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let m = try c.decodeIfPresent(Int.self, forKey: .minCount)
                ?? c.decodeIfPresent(Int.self, forKey: .minTotal) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.minCount, .init(codingPath: c.codingPath, debugDescription: "min_count or min_total"))
            }
            min = m
            points = try c.decode(Int.self, forKey: .points)
        }
    }

    private struct File: Decodable {
        struct Recency: Decodable { let bands: [RecencyBand] }
        struct Frequency: Decodable { let bands: [Threshold] }
        struct Gravity: Decodable {
            let cap: Int?
            let bands: [Threshold]?
        }
        struct Victims: Decodable {
            let weight: Int
            let cap: Int?
        }
        let version: String
        let windowMonths: Int
        let recency: Recency
        let frequency: Frequency
        let gravity: Gravity
        let victims: Victims
        enum CodingKeys: String, CodingKey {
            case version, recency, frequency, gravity, victims
            case windowMonths = "window_months"
        }
    }

    /// Decodes and checks the file; errors name the key.
    public static func decode(_ data: Data, file: String = "rfg.json") throws -> RFGConfiguration {
        let f = try ConfigDecoder.decode(File.self, from: data, file: file)
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, key: key, message: message)
        }
        guard !f.version.isEmpty else { throw fail("version", "must not be empty") }
        guard f.windowMonths > 0 else { throw fail("window_months", "must be at least 1") }
        try checkAscending(f.recency.bands.map(\.maxDays), key: "recency.bands", field: "max_days", file: file)
        try checkAscending(f.frequency.bands.map(\.min), key: "frequency.bands", field: "min_count", file: file)
        if let bands = f.gravity.bands {
            try checkAscending(bands.map(\.min), key: "gravity.bands", field: "min_total", file: file)
        }
        if let cap = f.gravity.cap, cap < 0 { throw fail("gravity.cap", "must be 0 or more") }
        guard f.victims.weight >= 0 else { throw fail("victims.weight", "must be 0 or more") }
        return RFGConfiguration(
            version: f.version, window: .months(f.windowMonths), recency: f.recency.bands,
            frequency: f.frequency.bands.map { ThresholdBand(min: $0.min, points: $0.points) },
            gravityCap: f.gravity.cap,
            gravityBands: f.gravity.bands?.map { ThresholdBand(min: $0.min, points: $0.points) },
            victimWeight: f.victims.weight, victimCap: f.victims.cap)
    }

    private static func checkAscending(_ values: [Int], key: String, field: String, file: String) throws {
        for i in values.indices {
            guard values[i] >= 0 else {
                throw ConfigurationError(file: file, key: "\(key)[\(i)].\(field)", message: "must be 0 or more")
            }
            if i > 0, values[i] <= values[i - 1] {
                throw ConfigurationError(
                    file: file, key: "\(key)[\(i)].\(field)", message: "bands must be in strictly ascending order")
            }
        }
    }
}
