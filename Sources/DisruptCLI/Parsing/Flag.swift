/// Declares a flag: `--dry-run` is true when given.
@propertyWrapper
public struct Flag: Decodable, Sendable, ArgumentDeclaration {
    private let storage: DeclaredValue<Bool>

    public var wrappedValue: Bool { storage.value }

    func definition(key: String) -> ArgumentDefinition { storage.definition(key) }

    public init(from decoder: any Decoder) throws {
        storage = try DeclaredValue(from: decoder)
    }

    public init(name: String? = nil, help: String) {
        storage = .declared { key in
            ArgumentDefinition(
                key: key, kind: .flag, name: name ?? ArgumentDefinition.optionName(forKey: key), valueName: "", help: help,
                isRequired: false, isRepeatable: false, parse: { $0 }, complete: { !$0.isEmpty })
        }
    }
}
