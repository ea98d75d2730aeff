import DisruptCore

extension TacticCatalogue {
    /// The proposed action checked by `validate` (the one rule), or a failure (exit 1) saying
    /// why: an unknown tactic names close matches and how to list the catalogue.
    public func require(_ proposal: ActionProposal) throws -> ValidatedAction {
        switch validate(proposal) {
        case .success(let action):
            return action
        case .failure(let refusal):
            if case .unknownTactic = refusal {
                throw StoreError(
                    .failure, "\(refusal)", hint: "List the catalogue with: disrupt tactics   (or: disrupt tactics --heading disrupt)")
            }
            throw StoreError(.failure, "\(refusal).")
        }
    }
}
