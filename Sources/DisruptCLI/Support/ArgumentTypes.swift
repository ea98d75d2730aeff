import DisruptCore
import DisruptStore
import Foundation

/// A record's id as typed on the command line (`ACTION`, `PLAN`, `ID`): a positive number.
public struct RecordID: ExpressibleByArgument, Equatable {
    public var value: Int64

    public init(argument: String) throws(InvalidValue) {
        guard let id = Int64(argument), id > 0 else {
            throw InvalidValue(expected: "expected a number such as 12 (see the list commands)")
        }
        value = id
    }

    public static var defaultValueName: String { "ID" }
}

/// `--version N`, the optimistic-concurrency token shown by `show` and `list`: 1 or more.
public struct RecordVersion: ExpressibleByArgument, Equatable {
    public var value: Int

    public init(argument: String) throws(InvalidValue) {
        guard let version = Int(argument), version >= 1 else {
            throw InvalidValue(expected: "expected 1 or more (the version shown by 'show' and 'list')")
        }
        value = version
    }

    public static var defaultValueName: String { "N" }
}

/// Text that must not be blank (a reference, a label, a login), kept as typed.
public struct NonBlankText: ExpressibleByArgument, Equatable {
    public var text: String

    public init(argument: String) throws(InvalidValue) {
        guard !BlankText.isBlank(argument) else {
            throw InvalidValue(expected: "expected text that is not blank")
        }
        text = argument
    }

    /// Without the invisible characters at its ends (`BlankText`).
    public var trimmed: String { BlankText.cleaned(text) ?? "" }

    public static var defaultValueName: String { "TEXT" }
}

/// Free text that must say why or what (`--purpose`, `--reason`, `--outcome`, a decision's
/// `--text`): not blank, and with at least one letter A-Z or digit (`BlankText.reason`, the
/// database's `disrupt.clean_reason`), kept as typed.
public struct ReasonText: ExpressibleByArgument, Equatable {
    public var text: String

    public init(argument: String) throws(InvalidValue) {
        guard BlankText.reason(argument) != nil else {
            throw InvalidValue(expected: "expected text that is not blank and says something: at least one letter A-Z or digit")
        }
        text = argument
    }

    /// Without the invisible characters at its ends (`BlankText`): what the database stores.
    public var trimmed: String { BlankText.reason(text) ?? "" }

    public static var defaultValueName: String { "TEXT" }
}

/// A person's or party's name: not blank, and at most 200 characters (the database's limit:
/// names are indexed for search).
public struct PersonName: ExpressibleByArgument, Equatable {
    public var text: String

    public init(argument: String) throws(InvalidValue) {
        guard argument.count <= 200 else {
            throw InvalidValue.option("is \(argument.count) characters long; a name may have at most 200")
        }
        text = try NonBlankText(argument: argument).text
    }

    public static var defaultValueName: String { "NAME" }
}

extension Agency: ExpressibleByArgument {}
extension StaffRole: ExpressibleByArgument {}
extension ActionHeading: ExpressibleByArgument {}
extension RankOrder: ExpressibleByArgument {}
extension Forum: ExpressibleByArgument {}
extension AlertKind: ExpressibleByArgument {}
extension LinkStatus: ExpressibleByArgument {}
extension IOMCohort: ExpressibleByArgument {}
extension ReferralCriterion: ExpressibleByArgument {}
extension RelationshipKind: ExpressibleByArgument {}
extension PartyKind: ExpressibleByArgument {}
extension BreachAction: ExpressibleByArgument {}
extension Sensitivity: ExpressibleByArgument {}

extension ImportKind: ExpressibleByArgument {
    /// Any case (`People` is `people`).
    public init(argument: String) throws(InvalidValue) {
        guard let kind = ImportKind(rawValue: argument.lowercased()) else {
            throw InvalidValue(message: "Unknown KIND '\(argument)': expected one of \(Self.choices)")
        }
        self = kind
    }
}
