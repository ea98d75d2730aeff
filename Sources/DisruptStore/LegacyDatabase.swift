/// A database made by the migrations of disrupt's development (001_foundation ... 011_summary),
/// which were squashed into `SQL/migrations/0001_baseline.sql` before the first release. It
/// cannot be upgraded in place: it is recreated (`Database.recreateAdvice` says how).
public struct LegacyDatabase: Error, Sendable {
    /// The first migration of the old list, as `disrupt.schema_migrations` recorded it.
    static let firstMigration = "foundation"

    public let message = "this database was made by an earlier, unreleased disrupt (migrations 001_foundation ... 011_summary) and cannot be upgraded in place"
}
