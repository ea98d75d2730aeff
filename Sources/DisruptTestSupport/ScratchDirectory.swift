import Foundation

/// A private directory (mode 0700) under the system's temporary directory for one test's files,
/// removed with everything in it when the last reference to it goes: a test suite holds one as
/// a stored property, so the directory lives exactly as long as the test.
public final class ScratchDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// Creates `<tmp>/<prefix>-<8 random characters>`.
    public init(_ prefix: String) throws {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
