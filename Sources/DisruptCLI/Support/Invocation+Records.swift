import DisruptCore
import DisruptStore

extension Invocation {
    /// A positive whole-number id from a positional argument (`ACTION`, `PLAN`, `ID`).
    public func id(_ argument: String) throws -> Int64 {
        let text = try requiredArgument(argument)
        guard let id = Int64(text), id > 0 else {
            throw usage("The value '\(text)' is invalid for <\(argument)>: expected a number such as 12 (see the list commands)")
        }
        return id
    }

    /// `--version N`, the optimistic-concurrency token shown by `show` and `list`.
    public func expectedVersion() throws -> Int? {
        guard let version = try int("--version") else { return nil }
        guard version >= 1 else { throw usage("--version must be 1 or more (it is shown by 'show' and 'list')") }
        return version
    }

    /// A required, non-blank text option (`--reason`, `--outcome`).
    public func requiredText(_ name: String) throws -> String {
        guard let text = option(name), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw usage("\(name) must not be blank")
        }
        return text
    }

    /// `--agency` checked against the agencies disrupt knows.
    public func agency(_ name: String = "--agency") throws -> String? {
        guard let text = option(name) else { return nil }
        guard Agency(rawValue: text) != nil else {
            throw usage("The value '\(text)' is invalid for '\(name)': use one of \(Agency.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return text
    }

    /// The standard `--version` option of commands that change a plan or an action.
    public static let versionOption = OptionSpec.option(
        "--version", "N", "The version you last saw (from show/list). If the record has changed since, nothing is changed and the exit code is 5. Omit to change whatever is current.")
}
