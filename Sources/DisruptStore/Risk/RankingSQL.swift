/// The ranking's agency filter, written once for the stored ranking (`RiskStore.rank`) and the
/// live one (`LiveRanking`). Both queries name the person `p` and join the wanted agency as
/// `CROSS JOIN (SELECT $n::text AS agency) w` and the people with its records as
/// `LEFT JOIN disrupt.people_with_records_from($n::text) ap(id) ON ap.id = p.id`, so the filter
/// itself is constant SQL.
enum RankingSQL {
    /// Keeps a person with at least one record from `w.agency` that the caller can see (the
    /// person row, or an alias, relationship, incident, marker, order, breach, forum link or
    /// referral: `disrupt.people_with_records_from`, SQL/definitions/reading.sql, one set read
    /// once per statement); everyone when `w.agency` is NULL (the function, STRICT, then reads
    /// nothing).
    static let agencyFilter = "(w.agency IS NULL OR p.agency = w.agency OR ap.id IS NOT NULL)"
}
