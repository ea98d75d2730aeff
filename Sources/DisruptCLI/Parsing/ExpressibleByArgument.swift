import DisruptCore

/// A type a command-line value can be parsed into (`--as-of 2026-01-02` into a `Day`,
/// `--format json` into an enum). The parser calls `init(argument:)` once per value and turns
/// a thrown `InvalidValue` into a usage error that names the option and the value.
public protocol ExpressibleByArgument: Sendable {
    /// Parses one value as typed on the command line.
    init(argument: String) throws(InvalidValue)
    /// The placeholder shown in help and usage (`--due <YYYY-MM-DD>`).
    static var defaultValueName: String { get }
}

/// Why a command-line value was refused. The parser names the option in the message.
public struct InvalidValue: Error, Sendable {
    private enum Form: Sendable {
        case expected(String), aboutOption(String), message(String)
    }

    private let form: Form

    /// "The value 'x' is invalid for '--y': <what>" ("expected a whole number", "choose one of text, json").
    public init(expected what: String) {
        form = .expected(what)
    }

    /// "'--y' <what>", for values too long to quote ("is 100000 characters long; ...").
    public static func option(_ what: String) -> InvalidValue {
        InvalidValue(form: .aboutOption(what))
    }

    /// The whole message, when the usual wording would read badly.
    public init(message: String) {
        form = .message(message)
    }

    private init(form: Form) {
        self.form = form
    }

    /// The message for `value` given to the option or argument shown as `label`.
    func message(value: String, label: String) -> String {
        switch form {
        case .expected(let what):
            let shown = value.count > 60 ? value.prefix(40) + "…" : Substring(value)
            return "The value '\(shown)' is invalid for '\(label)': \(what)"
        case .aboutOption(let what): return "'\(label)' \(what)"
        case .message(let message): return message
        }
    }
}

extension ExpressibleByArgument where Self: CaseIterable & RawRepresentable, RawValue == String {
    /// A code from a fixed list (case-sensitive, as the codes are stored).
    public init(argument: String) throws(InvalidValue) {
        guard let value = Self(rawValue: argument) else { throw InvalidValue(expected: "choose one of \(Self.choices)") }
        self = value
    }

    public static var defaultValueName: String { allCases.map(\.rawValue).joined(separator: "|") }

    /// The codes, comma-separated, for messages.
    static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension String: ExpressibleByArgument {
    public init(argument: String) { self = argument }
    public static var defaultValueName: String { "TEXT" }
}

extension Int: ExpressibleByArgument {
    public init(argument: String) throws(InvalidValue) {
        guard let value = Int(argument) else { throw InvalidValue(expected: "expected a whole number") }
        self = value
    }

    public static var defaultValueName: String { "N" }
}

extension UInt64: ExpressibleByArgument {
    public init(argument: String) throws(InvalidValue) {
        guard let value = UInt64(argument) else { throw InvalidValue(expected: "expected a whole number ≥ 0") }
        self = value
    }

    public static var defaultValueName: String { "N" }
}

extension Day: ExpressibleByArgument {
    public init(argument: String) throws(InvalidValue) {
        guard let day = Day(iso: argument) else { throw InvalidValue(expected: "expected a real date as YYYY-MM-DD") }
        self = day
    }

    public static var defaultValueName: String { "YYYY-MM-DD" }
}
