import DisruptCore
import DisruptStore
import Foundation

extension Invocation {
    /// A date option (`--as-of`, `--due`, ...) as a `Day`; a usage error names a bad value.
    public func day(_ name: String) throws -> Day? {
        guard let text = option(name) else { return nil }
        guard let day = Day(iso: text) else {
            throw usage("The value '\(text)' is invalid for '\(name)': expected a real date as YYYY-MM-DD")
        }
        return day
    }

    /// `--as-of`, else today in the local time zone.
    public func asOf() throws -> Day {
        try day("--as-of") ?? Day.today()
    }

    /// The configuration (embedded defaults, overridden by the config directory).
    public func riskModel() throws -> RiskModel {
        try ConfigurationLoader.riskModel(environment: environment)
    }

    /// Standard `--as-of` option.
    public static let asOfOption = OptionSpec.option("--as-of", "YYYY-MM-DD", "Evaluate as of this date (default: today).")
}
