/// A reminder a forum link is due on a day: what, about which link, to whom, and the date it is
/// about (with kind and link, the key that makes a sweep's insert idempotent).
public struct LinkReminder: Sendable, Hashable, Codable {
    /// What the reminder asks.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A MAPPA category 1 or 2 licence ends: he leaves MAPPA unless considered for category 3.
        case mappaConsiderCategory3 = "mappa_consider_category3"
        /// A MAPPA category 3 licence has ended: review the category 3 status.
        case mappaCategory3Review = "mappa_category3_review"
        /// A forum link's next review date is coming up.
        case linkReviewDue = "link_review_due"
        /// A forum link's next review date has passed.
        case linkReviewOverdue = "link_review_overdue"
    }

    public var kind: Kind
    public var linkRef: String
    public var forum: Forum
    /// The date the reminder is about: the licence end (category 1/2), the first day after it
    /// (category 3), the review date (due), the first day after it (overdue).
    public var dueOn: Day
    /// The agency whose lead hears: probation for licence reminders, the link's lead agency for
    /// reviews (nil when the link names none: the forum's coordinators).
    public var recipient: Agency?
    /// One plain-English line.
    public var message: String

    public init(kind: Kind, linkRef: String, forum: Forum, dueOn: Day, recipient: Agency?, message: String) {
        self.kind = kind
        self.linkRef = linkRef
        self.forum = forum
        self.dueOn = dueOn
        self.recipient = recipient
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case kind, forum, recipient, message
        case linkRef = "link_ref", dueOn = "due_on"
    }
}

/// The reminder timing rules of forum links, as one pure function of the links and a day
/// (the reminder sweep inserts what it returns; a day with nothing due returns nothing).
///
/// Only live links count: not closed, started on or before the day, not ended before it.
/// - MAPPA category 1 or 2 with licence end L: from L − `mappa_licence_days` onwards (before and
///   after L, until the link is closed or re-categorised), probation is reminded to consider
///   category 3, since without it he leaves MAPPA when the licence ends.
/// - MAPPA category 3 with licence end L: from L + 1 (licence conditions expired), probation is
///   reminded to review category 3 status (the guidance's "review of MAPPA 3 status after
///   expiry of licence conditions").
/// - Any forum link with next review R: from R − `link_review_days` through R, "review due";
///   from R + 1, "review overdue"; both to the link's lead agency.
public enum ForumLinkReminders {
    /// Every reminder due on `asOf`, by link ref then kind.
    public static func due(_ links: [ForumLinkFact], asOf: Day, timings: ReminderTimings) -> [LinkReminder] {
        var due: [LinkReminder] = []
        for link in links where isLive(link, on: asOf) {
            if link.forum == .mappa, let category = link.mappaCategory, let ends = link.licenceExpiresOn {
                if category == 1 || category == 2, asOf >= ends.adding(days: -timings.mappaLicenceDays) {
                    let when = asOf > ends ? "ended on \(ends)" : "ends on \(ends)"
                    due.append(LinkReminder(
                        kind: .mappaConsiderCategory3, linkRef: link.ref, forum: .mappa, dueOn: ends, recipient: .probation,
                        message: "MAPPA category \(category) link \(link.ref): licence \(when); consider category 3, "
                            + "or he leaves MAPPA when the licence ends"))
                } else if category == 3, asOf > ends {
                    due.append(LinkReminder(
                        kind: .mappaCategory3Review, linkRef: link.ref, forum: .mappa, dueOn: ends.adding(days: 1),
                        recipient: .probation,
                        message: "MAPPA category 3 link \(link.ref): licence ended on \(ends); review category 3 status"))
                }
            }
            if let review = link.reviewOn {
                if asOf > review {
                    due.append(LinkReminder(
                        kind: .linkReviewOverdue, linkRef: link.ref, forum: link.forum, dueOn: review.adding(days: 1),
                        recipient: link.leadAgency,
                        message: "\(link.forum.label) link \(link.ref) was due for review on \(review) and has not been reviewed"))
                } else if asOf >= review.adding(days: -timings.linkReviewDays) {
                    due.append(LinkReminder(
                        kind: .linkReviewDue, linkRef: link.ref, forum: link.forum, dueOn: review,
                        recipient: link.leadAgency, message: "\(link.forum.label) link \(link.ref) is due for review on \(review)"))
                }
            }
        }
        let kinds = LinkReminder.Kind.allCases
        return due.sorted {
            ($0.linkRef, kinds.firstIndex(of: $0.kind)!) < ($1.linkRef, kinds.firstIndex(of: $1.kind)!)
        }
    }

    /// Not closed, started on or before `day` (or no start recorded), not ended before it.
    public static func isLive(_ link: ForumLinkFact, on day: Day) -> Bool {
        link.status != .closed && (link.startsOn.map { $0 <= day } ?? true) && (link.endsOn.map { day <= $0 } ?? true)
    }
}
