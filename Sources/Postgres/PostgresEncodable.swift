import Foundation

/// A Swift value that can be sent as a text-format query parameter.
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text input format; `nil` for NULL.
    func postgresText() throws -> String?
}

extension String: PostgresEncodable {
    public func postgresText() throws -> String? {
        // libpq takes C strings: a NUL would silently cut the value short. PostgreSQL cannot
        // store NUL in text anyway, so refuse it rather than store something else.
        if utf8.contains(0) {
            throw PostgresError(code: .invalidParameter, message: "text contains a NUL byte, which PostgreSQL cannot store")
        }
        return self
    }
}

extension Substring: PostgresEncodable {
    public func postgresText() throws -> String? { try String(self).postgresText() }
}

extension Int: PostgresEncodable { public func postgresText() -> String? { String(self) } }
extension Int16: PostgresEncodable { public func postgresText() -> String? { String(self) } }
extension Int32: PostgresEncodable { public func postgresText() -> String? { String(self) } }
extension Int64: PostgresEncodable { public func postgresText() -> String? { String(self) } }
extension Bool: PostgresEncodable { public func postgresText() -> String? { self ? "true" : "false" } }
extension Double: PostgresEncodable {
    public func postgresText() -> String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return String(self)
    }
}
extension Decimal: PostgresEncodable {
    public func postgresText() -> String? { NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")) }
}
extension UUID: PostgresEncodable { public func postgresText() -> String? { uuidString } }

extension Date: PostgresEncodable {
    /// A `timestamptz` in UTC with microseconds: `2026-11-25T10:32:05.123456Z`.
    public func postgresText() -> String? { PostgresTimestamp.format(self) }
}

extension Data: PostgresEncodable {
    /// `bytea` in hex format.
    public func postgresText() -> String? {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array: PostgresEncodable where Element == String {
    /// A `text[]` literal: every element quoted, quotes and backslashes escaped.
    public func postgresText() throws -> String? {
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            _ = try element.postgresText()
            text += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
