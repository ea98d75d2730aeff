import Foundation

/// What someone asks to add to a plan: a catalogued tactic, or a custom action (a free-text
/// label under a heading: the guidance asks representatives to be creative).
public enum ActionProposal: Sendable, Hashable {
    /// A catalogue tactic; `heading` may be omitted (the tactic fixes it) or must agree.
    case tactic(code: String, heading: ActionHeading?)
    /// A free-text action under a heading.
    case custom(label: String, heading: ActionHeading)
}

/// An action that may be added: its heading, tactic (nil for a custom action), label and
/// whether the Idva must check it is safe before it starts.
public struct ValidatedAction: Sendable, Hashable {
    public let heading: ActionHeading
    public let tacticCode: String?
    public let label: String
    /// Always true for a custom action; for a tactic, unless an administrator exempted it.
    public let needsSafetyCheck: Bool

    public var isCustom: Bool { tacticCode == nil }
}

/// Why an action was refused, in words a SPOC can act on.
public enum ActionRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTactic(code: String, closeMatches: [String])
    case wrongHeading(tactic: String, tacticHeading: ActionHeading, given: ActionHeading)
    case jointWork(text: String, phrase: String)
    case emptyLabel
    case labelTooLong(limit: Int)
    case labelNotPlain

    public var description: String {
        switch self {
        case .unknownTactic(let code, let close):
            "'\(code)' is not a tactic in the catalogue"
                + (close.isEmpty ? "." : ". Did you mean: \(close.joined(separator: ", "))?")
        case .wrongHeading(let tactic, let tacticHeading, let given):
            "tactic '\(tactic)' is under \(tacticHeading.label), not \(given.label): the tactic fixes the heading"
        case .jointWork(let text, let phrase):
            "'\(text)' is \(phrase): " + JointWorkRule.why
        case .emptyLabel:
            "a custom action needs a label saying what will be done"
        case .labelTooLong(let limit):
            "a custom action's label is at most \(limit) characters"
        case .labelNotPlain:
            "a custom action's label may use only letters, digits, spaces and ordinary punctuation (accents are fine)"
        }
    }
}

extension TacticCatalogue {
    /// The longest custom action label.
    public static let customLabelLimit = 200

    /// Checks a proposed action: a tactic must be catalogued and its heading agree with any
    /// heading given; a custom label must be non-blank, at most 200 characters, and not joint
    /// work with the victim (`JointWorkRule`). Every action needs the Idva safety check except a
    /// tactic an administrator exempted with a recorded reason.
    public func validate(_ proposal: ActionProposal) -> Result<ValidatedAction, ActionRefusal> {
        switch proposal {
        case .tactic(let code, let heading):
            guard let tactic = self[code] else {
                return .failure(.unknownTactic(code: code, closeMatches: closeMatches(to: code)))
            }
            if let heading, heading != tactic.heading {
                return .failure(.wrongHeading(tactic: code, tacticHeading: tactic.heading, given: heading))
            }
            return .success(ValidatedAction(
                heading: tactic.heading, tacticCode: tactic.code, label: tactic.label,
                needsSafetyCheck: tactic.needsSafetyCheck))
        case .custom(let label, let heading):
            let text = label.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return .failure(.emptyLabel) }
            guard text.count <= Self.customLabelLimit else { return .failure(.labelTooLong(limit: Self.customLabelLimit)) }
            guard JointWorkRule.isPlain(text) else { return .failure(.labelNotPlain) }
            if let phrase = JointWorkRule.forbiddenPhrase(in: text) { return .failure(.jointWork(text: text, phrase: phrase)) }
            return .success(ValidatedAction(heading: heading, tacticCode: nil, label: text, needsSafetyCheck: true))
        }
    }
}
