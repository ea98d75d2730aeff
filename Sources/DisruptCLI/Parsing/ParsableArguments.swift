/// The typed inputs of one command: a struct of `@Option`, `@Flag` and `@Argument`
/// properties. The parser lists them from `init()` (the declarations), parses the command line
/// against them and decodes a filled-in copy, as swift-argument-parser does.
public protocol ParsableArguments: Decodable, Sendable {
    /// The declarations: every property holds its definition, no value.
    init()
    /// Checks that need several values together; throw `ValidationError` (a usage error).
    func validate() throws(ValidationError)
}

extension ParsableArguments {
    public func validate() throws(ValidationError) {}

    /// The declared inputs, in the order of the properties.
    static var definitions: [ArgumentDefinition] {
        Mirror(reflecting: Self()).children.compactMap { child in
            guard let declaration = child.value as? any ArgumentDeclaration, let label = child.label else { return nil }
            return declaration.definition(key: label.hasPrefix("_") ? String(label.dropFirst()) : label)
        }
    }

    /// A copy filled in from parsed values, validated.
    static func decode(_ values: ParsedValues) throws(ValidationError) -> Self {
        let decoded: Self
        do {
            decoded = try Self(from: ArgumentDecoder(values: values))
        } catch {
            preconditionFailure("the parsed values do not fit \(Self.self): \(error)")
        }
        try decoded.validate()
        return decoded
    }
}

/// The inputs of a command that takes none.
public struct NoArguments: ParsableArguments {
    public init() {}
}
