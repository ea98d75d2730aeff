/// Close matches for a mistyped tactic code, so a refusal can say what was probably meant.
extension TacticCatalogue {
    /// Up to `limit` tactic codes that look like `text`: codes containing it (or contained in
    /// it), then codes within a small edit distance, nearest first.
    public func closeMatches(to text: String, limit: Int = 5) -> [String] {
        let wanted = text.lowercased().replacingOccurrences(of: "-", with: "_")
        guard !wanted.isEmpty else { return [] }
        let scored = tactics.compactMap { tactic -> (code: String, score: Int)? in
            let code = tactic.code
            if code.contains(wanted) || wanted.contains(code) { return (code, 0) }
            let distance = Self.editDistance(wanted, code)
            return distance <= max(2, wanted.count / 3) ? (code, distance) : nil
        }
        return scored.sorted { ($0.score, $0.code) < ($1.score, $1.code) }.prefix(limit).map(\.code)
    }

    /// Levenshtein distance between two strings (by Unicode scalar).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a.unicodeScalars), right = Array(b.unicodeScalars)
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        for (i, l) in left.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: right.count)
            for (j, r) in right.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (l == r ? 0 : 1))
            }
            previous = current
        }
        return previous[right.count]
    }
}
