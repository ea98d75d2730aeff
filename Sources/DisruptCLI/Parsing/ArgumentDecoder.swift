/// Values the parser completed for each declared input, by property name.
public struct ParsedValues: Sendable {
    var values: [String: any Sendable] = [:]

    subscript(key: String) -> (any Sendable)? {
        get { values[key] }
        set { values[key] = newValue }
    }
}

/// Decodes a `ParsableArguments` struct from parsed values: the compiler's `init(from:)` asks a
/// keyed container for each property wrapper, and each wrapper takes its value from a
/// `ParsedValueDecoder`. Nothing else is decodable here.
struct ArgumentDecoder: Decoder {
    let values: ParsedValues
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ParsedValuesContainer<Key>(values: values))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.unsupported(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.unsupported(codingPath) }

    static func unsupported(_ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "command-line inputs are declared with @Option, @Flag and @Argument only"))
    }
}

/// The decoder one property wrapper reads its value from.
struct ParsedValueDecoder: Decoder {
    let value: (any Sendable)?
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw ArgumentDecoder.unsupported(codingPath) }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ArgumentDecoder.unsupported(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw ArgumentDecoder.unsupported(codingPath) }
}

private struct ParsedValuesContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let values: ParsedValues
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { values.values.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }
    func decodeNil(forKey key: Key) throws -> Bool { values[key.stringValue] == nil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: ParsedValueDecoder(value: values[key.stringValue], codingPath: [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw ArgumentDecoder.unsupported([key])
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw ArgumentDecoder.unsupported([key]) }
    func superDecoder() throws -> any Decoder { throw ArgumentDecoder.unsupported([]) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw ArgumentDecoder.unsupported([key]) }
}
