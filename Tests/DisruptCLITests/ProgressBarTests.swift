@testable import DisruptCLI
import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

@Suite("The one progress bar")
struct ProgressBarTests {
    /// What a console wrote to standard error.
    final class Sink: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ more: String) { lock.withLock { text += more } }
        var written: String { lock.withLock { text } }
    }

    func console(errorIsTerminal: Bool, _ sink: Sink) -> Console {
        Console(isTerminal: false, isErrorTerminal: errorIsTerminal, noColour: true, out: { _ in }, err: { sink.append($0) })
    }

    @Test func drawsOnATerminalAndWipesItsLineWhenDone() {
        let sink = Sink()
        let bar = ProgressBar(console: console(errorIsTerminal: true, sink), label: "importing")
        bar.update(0.5, detail: "10 rows")
        #expect(sink.written == "\rimporting [###############...............] 50%  10 rows\u{1B}[K")
        bar.update(0.9)
        #expect(!sink.written.contains("90%"), "redrawn at most ten times a second")
        bar.finish()
        bar.finish()
        #expect(sink.written.hasSuffix("\r\u{1B}[K") && !sink.written.hasSuffix("\r\u{1B}[K\r\u{1B}[K"))
    }

    @Test func writesNothingWhenStandardErrorIsNotATerminal() {
        let sink = Sink()
        let bar = ProgressBar(console: console(errorIsTerminal: false, sink), label: "importing")
        bar.update(0.5, detail: "10 rows")
        bar.finish()
        #expect(sink.written.isEmpty)
    }
}

/// A command that fails after drawing its bar wipes it before the error is printed.
@Suite("The progress bar when a command fails")
struct ProgressBarFailureTests {
    @Test func aFailedImportWipesItsBarBeforeTheError() throws {
        let location = try TestCluster.freshDatabase("barfail")
        let login = "bar_\(UUID().uuidString.prefix(6).lowercased())"
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try db.execute("SELECT disrupt.staff_add(\(login), 'Bar Rep', 'police', 'rep')")
        db.close()
        let path = NSTemporaryDirectory() + "disrupt-bar-\(UUID().uuidString.prefix(8)).csv"
        try "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nBAR-1,,A,B,,male\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = ProgressBarTests.Sink()
        let console = Console(isTerminal: false, isErrorTerminal: true, noColour: true, out: { _ in }, err: { sink.append($0) })
        // a rep may not import for another agency: refused by the database after the rows were sent
        let status = DisruptCLI.run(["import", "people", path, "--agency", "probation", "--db", location.asUser(login).testURL],
                                    environment: [:], console: console)
        #expect(status == 4, "\(sink.written)")
        let drawn = try #require(sink.written.range(of: "\rimporting ["), "the bar was drawn: \(sink.written)")
        let wiped = try #require(sink.written.range(of: "\r\u{1B}[K", range: drawn.upperBound..<sink.written.endIndex), "and wiped: \(sink.written)")
        let error = try #require(sink.written.range(of: "Error: "), "\(sink.written)")
        #expect(wiped.upperBound <= error.lowerBound, "wiped before the error: \(sink.written)")
    }
}
