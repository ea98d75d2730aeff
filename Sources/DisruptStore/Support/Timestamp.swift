import DisruptCore
import Foundation

/// The one timestamp rule: JSON (and machine logs) in UTC with `Z`, text for people in the local
/// time zone. Every instant disrupt shows goes through here.
public enum Timestamp {
    /// For JSON and logs: `2024-05-01T09:30:00Z`.
    public static func utc(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// For text: `2024-05-01 10:30:00` in the local time zone.
    public static func local(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// For a `JSONEncoder`: every `Date` as `utc`.
    public static let jsonEncoding = JSONEncoder.DateEncodingStrategy.custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(utc(date))
    }

    /// Reads an ISO 8601 timestamp with an offset or `Z`, with or without fractional seconds
    /// (as PostgreSQL's `to_jsonb` writes a `timestamptz`).
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression))
    }

    /// The first instant of a civil day in the local time zone.
    public static func start(of day: Day, timeZone: TimeZone = .current) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (year, month, dayOfMonth) = day.components
        return calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))!
    }
}
