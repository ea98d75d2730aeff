import DisruptCore

extension TacticCatalogue {
    /// The catalogued tactic with this code, or a failure (exit 1) naming close matches and how
    /// to list the catalogue.
    public func require(_ code: String) throws -> Tactic {
        if let tactic = self[code] { return tactic }
        let close = closeMatches(to: code)
        let suggestion = close.isEmpty ? "" : " Did you mean: \(close.joined(separator: ", "))?"
        throw StoreError(
            .failure, "'\(code)' is not a tactic in the catalogue.\(suggestion)",
            hint: "List the catalogue with: disrupt tactics   (or: disrupt tactics --heading disrupt)")
    }
}
