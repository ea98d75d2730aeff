import DisruptCore
import Foundation
import Postgres

/// Defence in depth for readers: a row that cannot be read (an infinite or BC date that
/// SQL/012 should have refused) is left out, counted and reported in one line on standard
/// error that names only what was left out and how many, never the row's content, so one bad
/// row cannot stop a list, an agenda or a summary for everyone else.
public enum RowIsolation {
    /// Decodes every row with `body`, leaving out (and reporting) the rows it throws on.
    static func decodeEach<T>(_ rows: PostgresRows, what: String, _ body: (PostgresRow) throws -> T) -> [T] {
        var decoded: [T] = []
        var leftOut = 0
        for row in rows {
            do { decoded.append(try body(row)) } catch { leftOut += 1 }
        }
        report(leftOut, what)
        return decoded
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

    /// Writes the one-line report when something was left out.
    static func report(_ leftOut: Int, _ what: String) {
        guard leftOut > 0 else { return }
        FileHandle.standardError.write(Data("disrupt: left out \(leftOut) \(what) row(s) with an unusable value (content not shown)\n".utf8))
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
