import Foundation

/// What one recompute batch did.
struct RecomputeBatch: Sendable {
    var scored: Int
    var changed: Int
    var removed: Int
}

/// The state `RiskRecompute`'s workers share: the next batch to take, the running totals and
/// the first failure (after which no worker takes another batch).
///
/// `@unchecked Sendable`: every stored property is read and written, and `progress` called,
/// only while holding `lock`, so the caller's callback never runs on two threads at once.
final class RecomputeState: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: ((Int) -> Void)?
    private var report: RecomputeReport
    private var taken = 0
    private var failure: Error?

    /// `progress` receives the people scored so far after each batch.
    init(report: RecomputeReport, progress: ((Int) -> Void)?) {
        self.report = report
        self.progress = progress
    }

    /// The index of the next batch to run, or nil when there is none (`limit` reached, or a
    /// worker failed).
    func next(limit: Int) -> Int? {
        lock.withLock {
            guard failure == nil, taken < limit else { return nil }
            defer { taken += 1 }
            return taken
        }
    }

    /// Adds a batch's counts and reports progress.
    func add(_ batch: RecomputeBatch) {
        lock.withLock {
            report.people += batch.scored
            report.changed += batch.changed
            report.removed += batch.removed
            progress?(report.people)
        }
    }

    func fail(_ error: Error) {
        lock.withLock {
            if failure == nil { failure = error }
        }
    }

    /// The totals, or the first failure.
    func result() throws -> RecomputeReport {
        try lock.withLock {
            if let failure { throw failure }
            return report
        }
    }
}
