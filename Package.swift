// swift-tools-version:6.1
import PackageDescription

// Layers, one target each:
//   LDLCore        pure Swift, knows nothing of PostgreSQL (predictors, metrics, model)
//   UAKNNBridgeABI C header shared by the bridge and the shim (status codes, error struct)
//   UAKNNBridge    Swift @_cdecl entry points the shim calls; owns the per-backend cache
//   UAKNNShim      C, fmgr V1 functions, SPI, ereport; built with the server headers
// The `uaknn` dynamic library holds the shim, the bridge and the core; `make install`
// copies it into PostgreSQL's pkglibdir as uaknn.so.
let package = Package(
    name: "uaknn",
    products: [
        .library(name: "uaknn", type: .dynamic, targets: ["UAKNNShim", "UAKNNBridge"]),
        .executable(name: "uaknn-eval", targets: ["uaknn-eval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(name: "LDLCore"),
        .target(name: "UAKNNBridgeABI"),
        .target(name: "UAKNNBridge", dependencies: ["LDLCore", "UAKNNBridgeABI"]),
        // The server headers (-I$(pg_config --includedir-server)) come from the Makefile;
        // gcc-only printf attributes in them are noise to clang.
        .target(
            name: "UAKNNShim", dependencies: ["UAKNNBridgeABI"],
            cSettings: [.unsafeFlags(["-Wno-ignored-attributes"])]),
        .executableTarget(name: "uaknn-eval", dependencies: ["LDLCore"]),
        .testTarget(
            name: "LDLCoreTests",
            dependencies: [
                "LDLCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
