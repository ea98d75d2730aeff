import DisruptCore
import DisruptStore
import Foundation

/// The summary as JSON: snake_case keys, sorted, dates YYYY-MM-DD, timestamps ISO 8601 UTC.
enum SummaryJSON {
    static func render(_ summary: Summary) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = Timestamp.jsonEncoding
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
    }
}
