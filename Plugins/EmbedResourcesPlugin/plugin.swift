import Foundation
import PackagePlugin

/// Embeds the package's `SQL/` (with its subfolders `migrations/` and `definitions/`) and
/// `Config/` defaults into the target as Swift source, so the `disrupt` binary finds them
/// wherever it is installed.
@main
struct EmbedResourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [URL] = []
        for folder in ["SQL", "Config"] {
            let dir = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
                if isFile, ["sql", "json", "csv"].contains(url.pathExtension) { inputs.append(url) }
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedResources.swift")
        var arguments = [output.path, root.path]
        arguments += inputs.map(\.path)
        return [
            .buildCommand(
                displayName: "Embedding SQL/ and Config/ into \(target.name)",
                executable: try context.tool(named: "EmbedResources").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
