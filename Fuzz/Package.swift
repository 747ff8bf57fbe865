// swift-tools-version: 6.1
// libFuzzer targets for the core's parsers and engines, a package of their own so the main
// build never sees them. Build and run all: scripts/fuzz.sh [SECONDS per target].
import PackageDescription

// One executable per target; each file in Targets/ defines LLVMFuzzerTestOneInput.
let targets = ["JSONParser", "SegmentNormalizer", "TemplateEngine", "ConditionEngine"]

let package = Package(
    name: "switchboard-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so the dependency reads the same whatever the checkout folder is called.
        .package(name: "switchboard", path: ".."),
    ],
    targets: [
        // The sample event and resources every target renders or evaluates against.
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "SwitchboardCore", package: "switchboard")],
            path: "Support"
        ),
    ] + targets.map { name in
        .executableTarget(
            name: "Fuzz" + name,
            dependencies: ["FuzzSupport", .product(name: "SwitchboardCore", package: "switchboard")],
            path: "Targets",
            exclude: targets.filter { $0 != name }.map { $0 + ".swift" },
            sources: [name + ".swift"]
        )
    }
)
