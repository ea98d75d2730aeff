/// The ranking's agency filter, written once for the stored ranking (`RiskStore.rank`) and the
/// live one (`LiveRanking`). Both queries name the person `p` and join the wanted agency as
/// `CROSS JOIN (SELECT $n::text AS agency) w` (`agencyJoin`), so the filter itself is constant SQL.
enum RankingSQL {
    /// Keeps a person with at least one record from `w.agency` that the caller can see (the
    /// person row, an alias, relationship, incident, marker, order, breach, forum link or
    /// referral); everyone when `w.agency` is NULL.
    static let agencyFilter = """
        (w.agency IS NULL OR p.agency = w.agency
           OR EXISTS (SELECT 1 FROM disrupt.incident x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.marker x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.breach x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.court_order x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.forum_link x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.referral x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.relationship x WHERE x.person_id = p.id AND x.agency = w.agency)
           OR EXISTS (SELECT 1 FROM disrupt.alias x WHERE x.person_id = p.id AND x.agency = w.agency))
        """
}
