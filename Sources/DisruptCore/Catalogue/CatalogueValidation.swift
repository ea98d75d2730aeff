/// Shared checks for catalogue files: codes are non-empty snake_case and unique.
enum CatalogueValidation {
    static func isCode(_ code: String) -> Bool {
        guard let first = code.utf8.first, first >= 97, first <= 122 else { return false }
        return code.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Throws if any code is malformed or repeated; `list` names the array key (e.g. `markers`).
    static func checkCodes(_ codes: [String], file: String, list: String) throws {
        var seen = Set<String>()
        for (index, code) in codes.enumerated() {
            guard isCode(code) else {
                throw ConfigurationError(
                    file: file, key: "\(list)[\(index)].code",
                    message: "'\(code)' is not a code (lower-case letters, digits and underscores)")
            }
            guard seen.insert(code).inserted else {
                throw ConfigurationError(
                    file: file, key: "\(list)[\(index)].code", message: "duplicate code '\(code)'")
            }
        }
    }

    /// Throws unless every required code is present.
    static func checkRequired(_ required: [String], in codes: [String], file: String, list: String) throws {
        let present = Set(codes)
        for code in required where !present.contains(code) {
            throw ConfigurationError(file: file, key: list, message: "required code '\(code)' is missing")
        }
    }
}
