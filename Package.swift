// swift-tools-version:6.1
//
// skbpf — eBPF for kernel-style socket buffers, in user space.
// The target graph is the architecture (see Documentation/ and STYLE):
//   BPFISA <- BPFABI <- BPFVerifier <- BPFVM <- Datapath <- SKBPFCommands <- skbpf
//   BPFObject, PacketIO <- SKBPFCommands;  PacketBuffer <- BPFVM, Datapath, PacketIO
//   BPFISA, BPFABI <- ClassicBPF (classic BPF, its checker and translation) <- PacketIO, SKBPFCommands
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "skbpf",
    products: [
        .executable(name: "skbpf", targets: ["skbpf"]),
        .library(name: "BPFISA", targets: ["BPFISA"]),
        .library(name: "ClassicBPF", targets: ["ClassicBPF"]),
        .library(name: "BPFVM", targets: ["BPFVM"]),
        .library(name: "PacketBuffer", targets: ["PacketBuffer"]),
        .library(name: "BPFABI", targets: ["BPFABI"]),
        .library(name: "BPFObject", targets: ["BPFObject"]),
        .library(name: "BPFVerifier", targets: ["BPFVerifier"]),
        .library(name: "PacketIO", targets: ["PacketIO"]),
        .library(name: "Datapath", targets: ["Datapath"]),
        .library(name: "SKBPFCommands", targets: ["SKBPFCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        .target(name: "BPFISA", swiftSettings: strictSettings),
        .target(name: "PacketBuffer", swiftSettings: strictSettings),
        .target(name: "BPFABI", dependencies: ["BPFISA"], swiftSettings: strictSettings),
        .target(name: "BPFObject", dependencies: ["BPFISA", "BPFABI"], swiftSettings: strictSettings),
        .target(name: "ClassicBPF", dependencies: ["BPFISA", "BPFABI"], swiftSettings: strictSettings),
        .target(name: "BPFVerifier", dependencies: ["BPFISA", "BPFABI"], swiftSettings: strictSettings),
        .target(
            name: "BPFVM",
            dependencies: ["BPFISA", "BPFABI", "BPFVerifier", "PacketBuffer", .product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: strictSettings),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "CLinuxShims"),
        .target(name: "PacketIO", dependencies: ["PacketBuffer", "CPcap", "CLinuxShims", "ClassicBPF"], swiftSettings: strictSettings),
        .target(
            name: "Datapath", dependencies: ["BPFISA", "BPFABI", "BPFVerifier", "BPFVM", "PacketBuffer"],
            swiftSettings: strictSettings),
        .target(
            name: "SKBPFCommands",
            dependencies: [
                "BPFISA", "BPFABI", "BPFObject", "BPFVerifier", "BPFVM", "ClassicBPF", "PacketBuffer", "PacketIO", "Datapath",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(name: "skbpf", dependencies: ["SKBPFCommands"], swiftSettings: strictSettings),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BPFISATests", dependencies: ["BPFISA", "BPFObject", "TestSupport"]),
        .testTarget(name: "PacketBufferTests", dependencies: ["PacketBuffer"]),
        .testTarget(name: "BPFABITests", dependencies: ["BPFABI", "BPFISA"]),
        .testTarget(name: "BPFVMTests", dependencies: ["BPFVM", "BPFISA", "BPFABI", "PacketBuffer", "TestSupport"]),
        .testTarget(
            name: "BPFVerifierTests", dependencies: ["BPFVerifier", "BPFVM", "BPFISA", "BPFABI", "BPFObject", "PacketBuffer", "TestSupport"],
            exclude: ["Vectors", "Fixtures"]),
        .testTarget(
            name: "ClassicBPFTests",
            dependencies: ["ClassicBPF", "BPFVM", "BPFVerifier", "BPFABI", "BPFISA", "PacketBuffer", "PacketIO", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "BPFObjectTests", dependencies: ["BPFObject", "BPFISA", "BPFABI", "TestSupport"]),
        .testTarget(name: "SKBPFCommandsTests", dependencies: ["SKBPFCommands", "Datapath", "TestSupport"]),
        .testTarget(name: "PacketIOTests", dependencies: ["PacketIO", "PacketBuffer", "TestSupport"]),
        .testTarget(
            name: "DatapathTests",
            dependencies: ["Datapath", "BPFVM", "BPFISA", "BPFABI", "BPFVerifier", "PacketBuffer", "TestSupport"]),
        .testTarget(name: "ConformanceTests", dependencies: ["SKBPFCommands", "TestSupport"], exclude: ["Vectors", "KernelVerdicts"]),
    ]
)
