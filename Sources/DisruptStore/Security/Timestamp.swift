import DisruptCore
import Foundation

/// Timestamps as disrupt shows them: ISO 8601 UTC for scripts, local time for people.
public enum Timestamp {
    /// `2024-05-01T09:30:00Z`.
    public static func utc(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// `2024-05-01 10:30:00` in the local time zone.
    public static func local(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The first instant of a civil day in the local time zone.
    public static func start(of day: Day, timeZone: TimeZone = .current) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (year, month, dayOfMonth) = day.components
        return calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))!
    }
}
