// swift-tools-version: 6.0
// disrupt: a perpetrator disruption and tasking service for Marac, MAPPA, MATAC and IOM.
// No Swift package dependencies: Foundation, Dispatch, the toolchain's test libraries, and
// libpq (Debian `libpq-dev`) through the CLibPQ system-library target.
import PackageDescription

let package = Package(
    name: "disrupt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "disrupt", targets: ["disrupt"]),
        .executable(name: "disrupt-bench", targets: ["disrupt-bench"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "DisruptCore", targets: ["DisruptCore"]),
        .library(name: "DisruptStore", targets: ["DisruptStore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "DisruptCore"),
        // SHA-256 of the embedded SQL, for the build tool (at build time) and the migrator.
        .target(name: "Checksum"),
        // Generates Swift source holding SQL/ and Config/ (and each file's checksum) so an
        // installed binary needs no files beside it.
        .executableTarget(name: "EmbedResources", dependencies: ["Checksum"]),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedResources"]
        ),
        .target(
            name: "DisruptStore",
            dependencies: ["DisruptCore", "Postgres", "Checksum"],
            plugins: ["EmbedResourcesPlugin"]
        ),
        // Postgres for the connection a command hands to the store and the errors it maps to exit codes.
        .target(name: "DisruptCLI", dependencies: ["DisruptStore", "DisruptCore", "Postgres"]),
        .executableTarget(name: "disrupt", dependencies: ["DisruptCLI"]),
        // Benchmarks: disrupt beside its floor (psql doing the same work), on a generated force.
        .target(name: "DisruptBench", dependencies: ["DisruptStore", "DisruptCore", "Postgres"]),
        .executableTarget(name: "disrupt-bench", dependencies: ["DisruptBench"]),
        // Throwaway clusters and databases for the tests, and a runner for the real binary.
        .target(name: "DisruptTestSupport", dependencies: ["DisruptStore", "Postgres"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "DisruptStore", "DisruptTestSupport"]),
        .testTarget(name: "DisruptCoreTests", dependencies: ["DisruptCore"]),
        .testTarget(name: "DisruptStoreTests", dependencies: ["DisruptStore", "DisruptCore", "Postgres", "DisruptTestSupport", "CLibPQ"]),
        .testTarget(name: "DisruptCLITests", dependencies: ["DisruptCLI", "DisruptStore", "DisruptCore", "Postgres", "DisruptTestSupport", "disrupt", "disrupt-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
