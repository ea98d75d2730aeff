import Testing
@testable import DisruptCore

/// MAPPA licence ends and forum review dates produce reminders on the right days.
@Suite struct ForumLinkReminderTests {
    let timings = ReminderTimings(mappaLicenceDays: 28, linkReviewDays: 7)

    func kinds(_ link: ForumLinkFact, _ on: String) -> [LinkReminder.Kind] {
        ForumLinkReminders.due([link], asOf: day(on), timings: timings).map(\.kind)
    }

    @Test func categoryTwoLicenceEndingPromptsCategoryThreeBeforeHeLeaves() throws {
        // Licence ends 30 June 2026; probation hears from 2 June (28 days before) onwards.
        let link = ForumLinkFact(
            ref: "mappa-1", forum: .mappa, status: .active, leadAgency: .police, mappaCategory: 2, licenceExpiresOn: day("2026-06-30"))
        #expect(kinds(link, "2026-06-01").isEmpty)
        let first = try #require(ForumLinkReminders.due([link], asOf: day("2026-06-02"), timings: timings).first)
        #expect(first.kind == .mappaConsiderCategory3 && first.recipient == .probation && first.dueOn == day("2026-06-30"))
        #expect(kinds(link, "2026-07-15") == [.mappaConsiderCategory3])
        var closed = link
        closed.status = .closed
        #expect(kinds(closed, "2026-06-30").isEmpty)
        var ended = link
        ended.endsOn = day("2026-06-30")
        #expect(kinds(ended, "2026-07-01").isEmpty)
    }

    @Test func categoryThreeLicenceExpiryPromptsReview() {
        let link = ForumLinkFact(ref: "mappa-3", forum: .mappa, status: .active, mappaCategory: 3, licenceExpiresOn: day("2026-06-30"))
        #expect(kinds(link, "2026-06-30").isEmpty)
        #expect(kinds(link, "2026-07-01") == [.mappaCategory3Review])
    }

    @Test func everyForumLinkReviewIsRemindedBeforeAndWhenItPasses() throws {
        let link = ForumLinkFact(ref: "matac-1", forum: .matac, status: .active, leadAgency: .police, reviewOn: day("2026-07-10"))
        #expect(kinds(link, "2026-07-02").isEmpty)
        #expect(kinds(link, "2026-07-03") == [.linkReviewDue])
        #expect(kinds(link, "2026-07-10") == [.linkReviewDue])
        let overdue = try #require(ForumLinkReminders.due([link], asOf: day("2026-07-11"), timings: timings).first)
        #expect(overdue.kind == .linkReviewOverdue && overdue.dueOn == day("2026-07-11") && overdue.recipient == .police)
    }
}
