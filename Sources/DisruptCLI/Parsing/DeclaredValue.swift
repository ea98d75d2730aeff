/// What an `@Option`, `@Flag` or `@Argument` holds: its declaration while the command's
/// inputs are being listed (for parsing and help), its value once the command line is decoded.
enum DeclaredValue<Value: Sendable>: Sendable {
    case declared(@Sendable (_ key: String) -> ArgumentDefinition)
    case parsed(Value)

    /// The decoded value. Reading it from a declaration (a command's `init()`, never run) is a
    /// programming error.
    var value: Value {
        guard case .parsed(let value) = self else {
            preconditionFailure("a command-line value was read before the command line was parsed")
        }
        return value
    }

    func definition(_ key: String) -> ArgumentDefinition {
        guard case .declared(let make) = self else {
            preconditionFailure("a parsed value was used as a declaration")
        }
        return make(key)
    }

    /// The value the parser completed for this property (see `ArgumentDecoder`).
    init(from decoder: any Decoder) throws {
        guard let single = decoder as? ParsedValueDecoder, let value = single.value as? Value else {
            throw DecodingError.typeMismatch(Value.self, .init(codingPath: decoder.codingPath, debugDescription: "not a parsed command-line value"))
        }
        self = .parsed(value)
    }

    static func option<Element: ExpressibleByArgument>(
        name: String?, help: String, valueName: String, required: Bool, repeatable: Bool,
        parse: @escaping @Sendable (String) throws(InvalidValue) -> Element, complete: @escaping @Sendable ([any Sendable]) -> (any Sendable)?
    ) -> DeclaredValue {
        .declared { key in
            ArgumentDefinition(
                key: key, kind: .option, name: name ?? ArgumentDefinition.optionName(forKey: key), valueName: valueName, help: help,
                isRequired: required, isRepeatable: repeatable, parse: { (text: String) throws(InvalidValue) -> any Sendable in try parse(text) },
                complete: complete)
        }
    }

    static func positional<Element: ExpressibleByArgument>(
        name: String?, help: String, required: Bool,
        parse: @escaping @Sendable (String) throws(InvalidValue) -> Element, complete: @escaping @Sendable ([any Sendable]) -> (any Sendable)?
    ) -> DeclaredValue {
        .declared { key in
            ArgumentDefinition(
                key: key, kind: .positional, name: name ?? key, valueName: name ?? key, help: help,
                isRequired: required, isRepeatable: false, parse: { (text: String) throws(InvalidValue) -> any Sendable in try parse(text) },
                complete: complete)
        }
    }
}
