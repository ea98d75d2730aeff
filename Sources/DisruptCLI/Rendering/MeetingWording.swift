import DisruptCore
import DisruptStore

/// The words the agenda and the minutes share: a meeting's title, a person's name, an action.
enum MeetingWording {
    static func forum(_ header: MeetingHeader) -> String {
        switch header.forum {
        case "marac": return "Marac"
        case "mappa": return "MAPPA level \(header.mappa_level.map(String.init) ?? "?")"
        default: return header.forum.uppercased()
        }
    }

    static func title(_ what: String, _ header: MeetingHeader) -> String {
        "\(what): \(forum(header)) meeting \(header.meeting), \(header.held_on.iso), \(header.area)"
    }

    static func chair(_ header: MeetingHeader) -> String {
        header.chair_name.map { "\($0) (\(header.chair))" } ?? header.chair
    }

    static func attendance(_ value: String?) -> String {
        switch value {
        case "present": return "present"
        case "apologies_sent": return "apologies, information sent"
        case "absent": return "absent"
        default: return "not recorded"
        }
    }

    static func research(_ value: String) -> String {
        switch value {
        case "submitted": return "submitted"
        case "nothing_held": return "nothing held"
        case "not_submitted": return "not submitted"
        default: return "requested, not returned"
        }
    }

    static func victim(_ sheet: CaseSheet) -> String? {
        guard let victim = sheet.victim else { return nil }
        let name = [victim.given_name, victim.family_name].compactMap { $0 }.joined(separator: " ")
        var text = "Victim: \(name) (\(victim.party_ref))"
        if let born = victim.date_of_birth { text += ", born \(born.iso)" }
        text += "; Idva: \(sheet.idva_login ?? "none named")"
        return text
    }

    static func perpetrator(_ person: CaseSheet.Perpetrator) -> String {
        var text = [person.given_name, person.family_name].compactMap { $0 }.joined(separator: " ") + " (\(person.person_ref))"
        if let born = person.date_of_birth { text += ", born \(born.iso)" }
        if let score = person.score { text += "; risk \(score)\(person.band.map { " \($0.replacingOccurrences(of: "_", with: " "))" } ?? "")" }
        if let rfg = person.rfg { text += ", RFG \(rfg)" }
        return text
    }

    static func hearing(_ sheet: CaseSheet) -> String {
        var text = "Case \(sheet.case_ref): hearing \(sheet.hearing_number)"
        if sheet.hearings > 1 { text += " of \(sheet.hearings)" }
        if sheet.repeat { text += ", REPEAT" }
        if sheet.status != "listed" { text += ", \(sheet.status)" }
        return text
    }

    static func clock(_ sheet: CaseSheet, limit: Int) -> String? {
        guard let clock = sheet.clock else { return nil }
        var text = "Referral \(clock.referral) of \(clock.referred_on.iso): \(clock.days_waiting) days to this meeting"
        if AgendaOrder.isOverWaitingLimit(daysWaiting: clock.days_waiting, limitDays: limit) { text += " (over the \(limit)-day limit)" }
        return text
    }

    static func lastHeard(_ sheet: CaseSheet) -> String? {
        sheet.last_heard.map { "Last heard at \($0.meeting) on \($0.heard_on.iso) (hearing \($0.hearing_number))" }
    }

    static func what(_ heading: String, _ tactic: String?, _ label: String?) -> String {
        "\(heading): \(tactic ?? label ?? "custom action")"
    }
}
