/// The ranking's agency filter, written once for the stored ranking (`RiskStore.rank`) and the
/// live one (`LiveRanking`). Both queries name the person `p` and join the wanted agency as
/// `CROSS JOIN (SELECT $n::text AS agency) w` (`agencyJoin`), so the filter itself is constant SQL.
enum RankingSQL {
    /// Keeps a person with at least one record from `w.agency` that the caller can see (the
    /// person row, or an alias, relationship, incident, marker, order, breach, forum link or
    /// referral: `disrupt.holds_record_from`, SQL/definitions/reading.sql); everyone when
    /// `w.agency` is NULL.
    static let agencyFilter = "(w.agency IS NULL OR p.agency = w.agency OR disrupt.holds_record_from(p.id, w.agency))"
}
