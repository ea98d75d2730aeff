@testable import DisruptCLI
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
