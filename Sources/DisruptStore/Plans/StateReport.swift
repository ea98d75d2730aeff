import Foundation
import Postgres

/// Turns the plan and action functions' refusals into messages for people. `DR409` (someone
/// changed the row since you read it) and `DR422` (a refused change) carry the row's current
/// state as JSON in DETAIL; this prints it as readable lines instead, and keeps the exit code
/// (5 for stale, 1 for refused).
public enum StateReport {
    /// Runs `body`; a DR409 / DR422 with a JSON DETAIL becomes a `StoreError` with the current
    /// state spelled out. Anything else passes through unchanged.
    public static func explaining<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == "DR409" || error.sqlState == "DR422" {
            guard let detail = error.detail, let lines = lines(fromJSON: detail) else { throw error }
            let stale = error.sqlState == "DR409"
            let message = error.message + "\nCurrent state:\n" + lines.map { "  \($0)" }.joined(separator: "\n")
            throw StoreError(
                stale ? .conflict : .failure, message,
                hint: stale ? "Nothing was changed. Check the current state above and retry with --version \(version(fromJSON: detail) ?? 0) if your change still applies." : error.hint)
        }
    }

    /// The keys shown first, in this order; any others follow alphabetically. Null values are left out.
    static let order = ["plan_id", "action_id", "version", "status", "heading", "tactic", "label", "agency", "owner_login",
                        "spoc_login", "due_on", "review_on", "outcome", "needs_safety_check", "safety_checked_by",
                        "safety_checked_at", "closed_at", "close_reason", "updated_by", "updated_at"]

    static func lines(fromJSON text: String) -> [String]? {
        guard let object = try? JSONDecoder().decode([String: Scalar].self, from: Data(text.utf8)) else { return nil }
        let keys = object.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        return keys.compactMap { key in
            guard let value = object[key]?.text else { return nil }
            return "\(key.replacingOccurrences(of: "_", with: " ")): \(value)"
        }
    }

    static func version(fromJSON text: String) -> Int? {
        guard case .number(let number)? = (try? JSONDecoder().decode([String: Scalar].self, from: Data(text.utf8)))?["version"] else { return nil }
        return Int(number)
    }

    /// A JSON value of the state objects (flat: no arrays or objects).
    enum Scalar: Decodable {
        case null, bool(Bool), number(Double), string(String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let bool = try? c.decode(Bool.self) { self = .bool(bool) }
            else if let number = try? c.decode(Double.self) { self = .number(number) }
            else { self = .string(try c.decode(String.self)) }
        }

        /// Readable text; nil for null. Timestamps are shown in local time.
        var text: String? {
            switch self {
            case .null: return nil
            case .bool(let value): return value ? "yes" : "no"
            case .number(let value): return value == value.rounded() ? String(Int(value)) : String(value)
            case .string(let value): return value.count > 19 ? (Timestamp.parse(value).map { Timestamp.local($0) } ?? value) : value
            }
        }
    }
}
