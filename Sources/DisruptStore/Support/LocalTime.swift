import Foundation

/// Timestamps as people and scripts see them: stored in UTC, shown in the local time zone.
public enum LocalTime {
    /// ISO 8601 with the local offset, for JSON: `2025-03-01T10:15:00+00:00`.
    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .current
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Short local form for text output: `2025-03-01 10:15`.
    public static func short(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
