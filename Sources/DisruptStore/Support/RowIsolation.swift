import DisruptCore
import Foundation
import Postgres

/// Defence in depth for readers: a row holding a value that cannot be decoded (an infinite
/// or BC date that the date constraints should have refused) is left out and counted in a
/// `LeftOut` the reader returns, so one bad row cannot stop a list, an agenda or a summary for
/// everyone else; the command prints the count, never the row's content. Any other failure
/// (a lost connection, a server error) is thrown as usual: only bad values are isolated.
enum RowIsolation {
    /// Decodes every row with `body`, leaving out and counting in `leftOut` the rows whose
    /// values cannot be decoded; rethrows any other error.
    static func decodeEach<T>(_ rows: PostgresRows, what: String, into leftOut: inout LeftOut,
                              _ body: (PostgresRow) throws -> T) throws -> [T] {
        var decoded: [T] = []
        var skipped = 0
        for row in rows {
            do {
                decoded.append(try body(row))
            } catch let error where isUnusableValue(error) {
                skipped += 1
            }
        }
        leftOut.add(skipped, what)
        return decoded
    }

    /// True for a value that cannot be decoded: a column PostgreSQL sent that Swift cannot
    /// read (`PostgresDecodingError`), or JSON built by SQL that does not fit its type.
    static func isUnusableValue(_ error: any Error) -> Bool {
        error is PostgresDecodingError || error is DecodingError
    }

    /// Removes from a JSON document every object inside an array that holds an unusable date
    /// (a key ending in `_on` or named `date_of_birth` whose value is not `YYYY-MM-DD`), and
    /// sets such a date outside arrays to null. Returns the document and how many it changed.
    static func pruneDates(_ text: String) -> (text: String, leftOut: Int) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return (text, 0) }
        var leftOut = 0
        let pruned = prune(object, &leftOut)
        guard leftOut > 0, let data = try? JSONSerialization.data(withJSONObject: pruned),
              let result = String(data: data, encoding: .utf8) else { return (text, 0) }
        return (result, leftOut)
    }

    private static func isDateKey(_ key: String) -> Bool { key.hasSuffix("_on") || key == "date_of_birth" }

    private static func badDate(_ key: String, _ value: Any) -> Bool {
        guard isDateKey(key), let text = value as? String else { return false }
        return text.count != 10 || Day(iso: text) == nil
    }

    private static func prune(_ value: Any, _ leftOut: inout Int) -> Any {
        if let array = value as? [Any] {
            var kept: [Any] = []
            for element in array {
                if let object = element as? [String: Any], object.contains(where: { badDate($0.key, $0.value) }) {
                    leftOut += 1
                } else {
                    kept.append(prune(element, &leftOut))
                }
            }
            return kept
        }
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, inner) in object {
                if badDate(key, inner) {
                    leftOut += 1
                    result[key] = NSNull()
                } else {
                    result[key] = prune(inner, &leftOut)
                }
            }
            return result
        }
        return value
    }
}
