import DisruptCore
import Foundation

/// Loads the `Config/` files: each from the override directory when it has one
/// (`$DISRUPT_CONFIG_DIR`, else `$DISRUPT_HOME/config`), else the defaults embedded in the
/// binary. An area tunes triggers, RFG tables or the tactic catalogue by copying a file there
/// and editing it; no rebuild.
public enum ConfigurationLoader {
    public static let files = ["triggers.json", "rfg.json", "markers.json", "offences.json", "tactics.json", "catalogue.json", "disrupt.json"]

    /// The override directory, whether or not it exists.
    public static func overrideDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let directory = environment["DISRUPT_CONFIG_DIR"], !directory.isEmpty { return URL(fileURLWithPath: directory) }
        return EmbeddedCluster.defaultHome(environment: environment).appendingPathComponent("config")
    }

    /// The contents of one configuration file and where it came from.
    public static func data(_ file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (data: Data, source: String) {
        if environment["DISRUPT_CONFIG_DIR"].map({ $0.isEmpty }) ?? true {
            try HomeSafety.check(EmbeddedCluster.defaultHome(environment: environment))
        }
        let override = overrideDirectory(environment: environment).appendingPathComponent(file)
        if FileManager.default.fileExists(atPath: override.path) {
            do {
                return (try Data(contentsOf: override), override.path)
            } catch {
                throw StoreError(.failure, "cannot read the configuration file \(override.path): \(error.localizedDescription)")
            }
        }
        guard let text = Resources.text("Config/\(file)") else {
            throw StoreError(.failure, "the built-in configuration has no \(file); this binary was built without Config/")
        }
        return (Data(text.utf8), "built-in Config/\(file)")
    }

    /// The risk model from the configuration files; a bad file is an error naming file and key.
    public static func riskModel(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RiskModel {
        var contents: [String: Data] = [:]
        for file in files { contents[file] = try data(file, environment: environment).data }
        do {
            return try RiskModel.load(
                triggers: contents["triggers.json"]!, rfg: contents["rfg.json"]!, markers: contents["markers.json"]!,
                offences: contents["offences.json"]!, tactics: contents["tactics.json"]!,
                catalogue: contents["catalogue.json"]!, settings: contents["disrupt.json"]!)
        } catch let error as ConfigurationError {
            throw StoreError(.failure, "the configuration is invalid: \(error)", hint: "Fix the file in \(overrideDirectory(environment: environment).path), or remove it to use the built-in default.")
        }
    }
}
