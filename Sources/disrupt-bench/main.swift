import DisruptBench
import Foundation

// disrupt-bench: measures disrupt beside its floor on a generated force. See --help.
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-bench-\(getpid())")
do {
    let options = try BenchmarkOptions.parse(
        Array(CommandLine.arguments.dropFirst()),
        disruptPath: executable.deletingLastPathComponent().appendingPathComponent("disrupt").path,
        workDirectory: work)
    defer { try? FileManager.default.removeItem(at: work) }
    let report = try BenchmarkRunner(options: options).run()
    print("disrupt-bench: \(report.people) people, seed \(report.seed), \(report.runs) runs, \(report.machine)\n")
    print(report.table)
    if let path = options.jsonPath {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    }
} catch let error as BenchmarkError where error.description == "help" {
    print(BenchmarkOptions.usage)
} catch {
    FileHandle.standardError.write(Data("disrupt-bench: \(error)\n".utf8))
    exit(1)
}
