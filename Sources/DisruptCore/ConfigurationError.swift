import Foundation

/// A configuration file that could not be used, naming the file and the key that is wrong.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the data came from, e.g. `triggers.json`.
    public let file: String
    /// The key path within the file, e.g. `triggers[3].weight` (empty for the whole file).
    public let key: String
    /// What is wrong, in plain English.
    public let message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}

extension ConfigurationError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Decodes JSON configuration, turning `DecodingError` into a `ConfigurationError` naming the key.
enum ConfigDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw convert(error, file: file)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, key: "", message: "\(error)")
        }
    }

    static func path(_ codingPath: [CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    static func convert(_ error: DecodingError, file: String) -> ConfigurationError {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return ConfigurationError(
                file: file, key: parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)",
                message: "missing required key")
        case .typeMismatch(let type, let context):
            return ConfigurationError(
                file: file, key: path(context.codingPath), message: "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return ConfigurationError(
                file: file, key: path(context.codingPath), message: "expected \(type) but found null")
        case .dataCorrupted(let context):
            return ConfigurationError(
                file: file, key: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return ConfigurationError(file: file, key: "", message: "\(error)")
        }
    }
}

extension KeyedDecodingContainer {
    /// Throws a data-corrupted error at `key` with the given message.
    func invalid(_ key: Key, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: message)
    }
}
