import Foundation

/// A civil date with no time zone, stored as the number of days since 1970-01-01.
///
/// Arithmetic uses the proleptic Gregorian calendar through integer "days from civil" /
/// "civil from days" conversions (H. Hinnant's algorithms), so no `Calendar` is involved
/// and values are cheap to compare, hash and copy. Valid years are 1 through 9999.
/// Encodes and decodes as an ISO 8601 string `YYYY-MM-DD`.
public struct Day: Sendable, Hashable, Comparable {
    /// Days since 1970-01-01 (negative before it).
    public let daysSince1970: Int32

    /// The day `daysSince1970` days after 1970-01-01.
    public init(daysSince1970: Int) {
        self.daysSince1970 = Int32(truncatingIfNeeded: daysSince1970)
    }

    /// The given civil date, or nil if it does not exist (2026-02-30) or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= Day.daysInMonth(year: year, month: month) else { return nil }
        self.init(daysSince1970: Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD` (ten ASCII characters); anything else, or an impossible date, is nil.
    public init?(iso: String) {
        var text = iso
        guard let (y, m, d) = text.withUTF8({ Day.parse($0) }) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        return (y, m, d)
    }

    /// Year, month (1...12) and day of month (1...31).
    public var components: (year: Int, month: Int, day: Int) {
        Day.civilFromDays(Int(daysSince1970))
    }

    /// The date as `YYYY-MM-DD`.
    public var iso: String {
        let (y, m, d) = components
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 10)
        bytes[0] = UInt8(48 + y / 1000 % 10)
        bytes[1] = UInt8(48 + y / 100 % 10)
        bytes[2] = UInt8(48 + y / 10 % 10)
        bytes[3] = UInt8(48 + y % 10)
        bytes[5] = UInt8(48 + m / 10)
        bytes[6] = UInt8(48 + m % 10)
        bytes[8] = UInt8(48 + d / 10)
        bytes[9] = UInt8(48 + d % 10)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// This day moved by `days` (negative moves back).
    public func adding(days: Int) -> Day {
        Day(daysSince1970: Int(daysSince1970) + days)
    }

    /// This day moved by whole calendar months; the day of month is clamped to the target
    /// month's length (2026-01-31 + 1 month = 2026-02-28).
    public func adding(months: Int) -> Day {
        if months == 0 { return self }
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total >= 0 ? total / 12 : (total - 11) / 12
        let nm = total - ny * 12 + 1
        let nd = min(d, Day.daysInMonth(year: ny, month: nm))
        return Day(daysSince1970: Day.daysFromCivil(year: ny, month: nm, day: nd))
    }

    /// This day moved by whole years; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> Day {
        adding(months: years * 12)
    }

    /// Days from `other` to this day (positive when this day is later).
    public func days(since other: Day) -> Int {
        Int(daysSince1970) - Int(other.daysSince1970)
    }

    /// Today's civil date in the given time zone; by default the product's day, the UTC date, as
    /// the database's `disrupt.today()` (migration 0013), so that the binary and the database
    /// agree on "today" whatever the machine's or the session's time zone.
    public static func today(in timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Day {
        let now = Date()
        let seconds = now.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: now))
        return Day(daysSince1970: Int((seconds / 86_400).rounded(.down)))
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        lhs.daysSince1970 < rhs.daysSince1970
    }

    /// True in leap years of the Gregorian calendar.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in the month (1...12) of the year.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Hinnant, "chrono-Compatible Low-Level Date Algorithms".
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Day: CustomStringConvertible {
    public var description: String { iso }
}

extension Day: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a date of the form YYYY-MM-DD")
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
