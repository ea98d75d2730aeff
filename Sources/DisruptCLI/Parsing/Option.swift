/// Declares an option that takes a value: `--as-of 2026-01-02` or `--as-of=2026-01-02`.
/// The name is the property's in kebab case (`asOf` is `--as-of`) unless given. A property
/// without a default is required; an optional one may be left out; an array collects every
/// use of a repeatable option.
@propertyWrapper
public struct Option<Value: Sendable>: Decodable, Sendable, ArgumentDeclaration {
    private let storage: DeclaredValue<Value>

    public var wrappedValue: Value { storage.value }

    func definition(key: String) -> ArgumentDefinition { storage.definition(key) }

    public init(from decoder: any Decoder) throws {
        storage = try DeclaredValue(from: decoder)
    }

    /// A required option.
    public init(name: String? = nil, help: String, valueName: String? = nil) where Value: ExpressibleByArgument {
        storage = .option(name: name, help: help, valueName: valueName ?? Value.defaultValueName, required: true, repeatable: false,
                          parse: Value.init(argument:), complete: { $0.last as? Value })
    }

    /// An option with a default, used when it is left out.
    public init(wrappedValue: Value, name: String? = nil, help: String, valueName: String? = nil) where Value: ExpressibleByArgument {
        storage = .option(name: name, help: help, valueName: valueName ?? Value.defaultValueName, required: false, repeatable: false,
                          parse: Value.init(argument:), complete: { $0.last as? Value ?? wrappedValue })
    }

    /// An option that may be left out (nil).
    public init<Wrapped: ExpressibleByArgument>(name: String? = nil, help: String, valueName: String? = nil) where Value == Wrapped? {
        storage = .option(name: name, help: help, valueName: valueName ?? Wrapped.defaultValueName, required: false, repeatable: false,
                          parse: Wrapped.init(argument:), complete: { values in Optional(values.last as? Wrapped as any Sendable) })
    }

    /// An option that may be given any number of times, its values kept in order.
    public init<Element: ExpressibleByArgument>(name: String? = nil, help: String, valueName: String? = nil) where Value == [Element] {
        storage = .option(name: name, help: help, valueName: valueName ?? Element.defaultValueName, required: false, repeatable: true,
                          parse: Element.init(argument:), complete: { $0.compactMap { $0 as? Element } })
    }
}
