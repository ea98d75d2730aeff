/// Declares a positional argument, in the order of the properties. Its name in help is the
/// property's unless given (`<PERSON>`).
@propertyWrapper
public struct Argument<Value: Sendable>: Decodable, Sendable, ArgumentDeclaration {
    private let storage: DeclaredValue<Value>

    public var wrappedValue: Value { storage.value }

    func definition(key: String) -> ArgumentDefinition { storage.definition(key) }

    public init(from decoder: any Decoder) throws {
        storage = try DeclaredValue(from: decoder)
    }

    /// A required argument.
    public init(name: String? = nil, help: String) where Value: ExpressibleByArgument {
        storage = .positional(name: name, help: help, required: true, parse: Value.init(argument:), complete: { $0.last as? Value })
    }

    /// An argument that may be left out (nil).
    public init<Wrapped: ExpressibleByArgument>(name: String? = nil, help: String) where Value == Wrapped? {
        storage = .positional(name: name, help: help, required: false, parse: Wrapped.init(argument:),
                              complete: { values in Optional(values.last as? Wrapped as any Sendable) })
    }
}
