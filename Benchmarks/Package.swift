// swift-tools-version: 6.1
// Micro-benchmarks, a package of their own so the main build and `swift test` never build
// ordo-one/benchmark. Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "switchboard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so the dependency reads the same whatever the checkout folder is called.
        .package(name: "switchboard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Condition evaluation, template rendering, signing, Segment batch decoding.
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchboardCore", package: "switchboard"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // SQLite: enqueue (insert and route) and lease of a batch.
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchboardCore", package: "switchboard"),
                .product(name: "SwitchboardStorage", package: "switchboard"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
