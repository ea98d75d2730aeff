import Foundation

/// A Swift value that can be read from a column in PostgreSQL's text output format.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value; return `nil` when the text is not a valid value of this type.
    static func decode(postgresText text: String) -> Self?
}

/// A value that can also stand for SQL NULL (`Optional`).
public protocol PostgresNullDecodable {
    static var postgresNull: Self { get }
}

extension Optional: PostgresNullDecodable {
    public static var postgresNull: Optional<Wrapped> { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String) -> Wrapped?? {
        Wrapped.decode(postgresText: text).map { .some($0) }
    }
}

extension String: PostgresDecodable {
    public static func decode(postgresText text: String) -> String? { text }
}
extension Int: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int? { Int(text) }
}
extension Int32: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int32? { Int32(text) }
}
extension Int64: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int64? { Int64(text) }
}
extension Int16: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int16? { Int16(text) }
}
extension Bool: PostgresDecodable {
    public static func decode(postgresText text: String) -> Bool? {
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }
}
extension Double: PostgresDecodable {
    public static func decode(postgresText text: String) -> Double? { Double(text) }
}
extension Decimal: PostgresDecodable {
    public static func decode(postgresText text: String) -> Decimal? {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
extension UUID: PostgresDecodable {
    public static func decode(postgresText text: String) -> UUID? { UUID(uuidString: text) }
}
extension Date: PostgresDecodable {
    /// `timestamptz` (and `date`, as midnight UTC) in ISO style.
    public static func decode(postgresText text: String) -> Date? { PostgresTimestamp.parse(text) }
}

extension Data: PostgresDecodable {
    /// `bytea` in hex format (`\x...`), and `json`/`jsonb` as their UTF-8 text.
    public static func decode(postgresText text: String) -> Data? {
        guard text.hasPrefix("\\x") else { return Data(text.utf8) }
        var data = Data(capacity: (text.utf8.count - 2) / 2)
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            let nibble: UInt8
            switch byte {
            case 48...57: nibble = byte - 48
            case 97...102: nibble = byte - 87
            case 65...70: nibble = byte - 55
            default: return nil
            }
            if let first = high {
                data.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? data : nil
    }
}

extension Array: PostgresDecodable where Element == String {
    /// A one-dimensional `text[]` in PostgreSQL's array output format. NULL elements are not
    /// representable as `String` and make the decoding fail; use `[String?]` there.
    public static func decode(postgresText text: String) -> [String]? {
        guard let elements = PostgresArrayParser.parse(text) else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let element else { return nil }
            result.append(element)
        }
        return result
    }
}

/// Parses the text output of a one-dimensional array: `{a,"b c",NULL}`.
enum PostgresArrayParser {
    static func parse(_ text: String) -> [String?]? {
        var scalars = text.unicodeScalars[...]
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        scalars = scalars.dropFirst().dropLast()
        if scalars.isEmpty { return [] }
        var elements: [String?] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for scalar in scalars {
            if escaped {
                current.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if scalar == "," && !quoted {
                elements.append(finish(current, wasQuoted))
                current = String.UnicodeScalarView()
                wasQuoted = false
            } else {
                current.append(scalar)
            }
        }
        elements.append(finish(current, wasQuoted))
        return elements
    }

    private static func finish(_ scalars: String.UnicodeScalarView, _ wasQuoted: Bool) -> String? {
        let value = String(scalars)
        return (!wasQuoted && value == "NULL") ? nil : value
    }
}

/// A `json`/`jsonb` column decoded with `JSONDecoder`.
public struct PostgresJSONValue<Value: Decodable>: PostgresDecodable {
    public var value: Value
    public static func decode(postgresText text: String) -> PostgresJSONValue<Value>? {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) else { return nil }
        return PostgresJSONValue(value: value)
    }
}
