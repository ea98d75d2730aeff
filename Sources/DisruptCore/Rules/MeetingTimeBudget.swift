/// A meeting's time: minutes per case times the cases, against the meeting's length.
public struct MeetingTimeBudget: Sendable, Hashable, Codable {
    public let cases: Int
    public let minutesPerCase: Int
    public let lengthMinutes: Int

    public init(cases: Int, minutesPerCase: Int, lengthMinutes: Int) {
        self.cases = cases
        self.minutesPerCase = minutesPerCase
        self.lengthMinutes = lengthMinutes
    }

    /// The minutes the cases need.
    public var neededMinutes: Int { cases * minutesPerCase }
    /// How far the cases run past the meeting's end (0 when they fit).
    public var overByMinutes: Int { max(0, neededMinutes - lengthMinutes) }
    /// The cases do not fit in the meeting.
    public var isOver: Bool { overByMinutes > 0 }

    enum CodingKeys: String, CodingKey {
        case cases, minutesPerCase = "minutes_per_case", lengthMinutes = "length_minutes"
        case neededMinutes = "needed_minutes", overByMinutes = "over_by_minutes"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cases = try c.decode(Int.self, forKey: .cases)
        minutesPerCase = try c.decode(Int.self, forKey: .minutesPerCase)
        lengthMinutes = try c.decode(Int.self, forKey: .lengthMinutes)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cases, forKey: .cases)
        try c.encode(minutesPerCase, forKey: .minutesPerCase)
        try c.encode(lengthMinutes, forKey: .lengthMinutes)
        try c.encode(neededMinutes, forKey: .neededMinutes)
        try c.encode(overByMinutes, forKey: .overByMinutes)
    }
}

/// The order of cases on a meeting's agenda: highest risk first (unscored last), repeats before
/// first hearings at equal risk, then the longest wait, then by case reference.
public enum AgendaOrder {
    /// The sort key of one case.
    public struct Key: Sendable, Hashable {
        public var riskScore: Int?
        public var isRepeat: Bool
        public var daysWaiting: Int?
        public var caseRef: String

        public init(riskScore: Int?, isRepeat: Bool, daysWaiting: Int?, caseRef: String) {
            self.riskScore = riskScore
            self.isRepeat = isRepeat
            self.daysWaiting = daysWaiting
            self.caseRef = caseRef
        }
    }

    /// Whether `a` comes before `b`.
    public static func precedes(_ a: Key, _ b: Key) -> Bool {
        let riskA = a.riskScore ?? Int.min, riskB = b.riskScore ?? Int.min
        if riskA != riskB { return riskA > riskB }
        if a.isRepeat != b.isRepeat { return a.isRepeat }
        let waitA = a.daysWaiting ?? -1, waitB = b.daysWaiting ?? -1
        if waitA != waitB { return waitA > waitB }
        return a.caseRef < b.caseRef
    }

    /// The referral-to-hearing clock is past the limit.
    public static func isOverWaitingLimit(daysWaiting: Int, limitDays: Int) -> Bool { daysWaiting > limitDays }
}
