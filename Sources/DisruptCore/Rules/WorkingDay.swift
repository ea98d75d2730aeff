/// Working days, Monday to Friday (bank holidays are not known to disrupt). The rule behind
/// "the next working day" of an alert; `disrupt.alert_next_working_day` in
/// SQL/definitions/alerts.sql is the same rule (a test checks they agree).
public enum WorkingDay {
    /// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    public static func weekday(_ day: Day) -> Int {
        let value = (Int(day.daysSince1970) + 3) % 7
        return value < 0 ? value + 7 : value
    }

    /// True from Monday to Friday.
    public static func isWorkingDay(_ day: Day) -> Bool { weekday(day) < 5 }

    /// The `count`-th working day after `day` (count 0: `day` itself, whatever day it is).
    /// Friday + 1 is Monday; Saturday + 1 and Sunday + 1 are Monday too.
    public static func after(_ day: Day, count: Int) -> Day {
        var result = day
        var left = count
        while left > 0 {
            result = result.adding(days: 1)
            if isWorkingDay(result) { left -= 1 }
        }
        return result
    }
}
