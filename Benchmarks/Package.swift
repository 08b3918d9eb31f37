// swift-tools-version:6.1
// Benchmarks for skbpf (ordo-one/benchmark). Run from the repository root with `make bench`,
// or here with `swift package --allow-writing-to-package-directory benchmark`.
import PackageDescription

let package = Package(
    name: "skbpf-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "skbpf", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Interpreter",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BPFISA", package: "skbpf"),
                .product(name: "BPFVM", package: "skbpf"),
            ],
            path: "Benchmarks/Interpreter",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "TestRun",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BPFABI", package: "skbpf"),
                .product(name: "BPFObject", package: "skbpf"),
                .product(name: "BPFVM", package: "skbpf"),
                .product(name: "PacketBuffer", package: "skbpf"),
            ],
            path: "Benchmarks/TestRun",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Verifier",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BPFABI", package: "skbpf"),
                .product(name: "BPFISA", package: "skbpf"),
                .product(name: "BPFObject", package: "skbpf"),
                .product(name: "BPFVerifier", package: "skbpf"),
            ],
            path: "Benchmarks/Verifier",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "ClassicFilter",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BPFVerifier", package: "skbpf"),
                .product(name: "BPFVM", package: "skbpf"),
                .product(name: "ClassicBPF", package: "skbpf"),
                .product(name: "PacketIO", package: "skbpf"),
            ],
            path: "Benchmarks/ClassicFilter",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "PcapIO",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PacketBuffer", package: "skbpf"),
                .product(name: "PacketIO", package: "skbpf"),
            ],
            path: "Benchmarks/PcapIO",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Quick verification figures without the harness: `swift run -c release verify-bench`.
        .executableTarget(
            name: "verify-bench",
            dependencies: [
                .product(name: "BPFABI", package: "skbpf"),
                .product(name: "BPFISA", package: "skbpf"),
                .product(name: "BPFObject", package: "skbpf"),
                .product(name: "BPFVerifier", package: "skbpf"),
            ],
            path: "Sources/verify-bench"),
        // Per-packet time of tcpdump expressions, without the harness: `swift run -c release filter-bench --pcap FILE`.
        .executableTarget(
            name: "filter-bench",
            dependencies: [
                .product(name: "BPFABI", package: "skbpf"),
                .product(name: "BPFVerifier", package: "skbpf"),
                .product(name: "BPFVM", package: "skbpf"),
                .product(name: "ClassicBPF", package: "skbpf"),
                .product(name: "PacketBuffer", package: "skbpf"),
                .product(name: "PacketIO", package: "skbpf"),
            ],
            path: "Sources/filter-bench"),
        // Quick ns-per-instruction figures without the harness: `swift run -c release interp-bench`.
        .executableTarget(
            name: "interp-bench",
            dependencies: [
                .product(name: "BPFISA", package: "skbpf"),
                .product(name: "BPFVM", package: "skbpf"),
            ],
            path: "Sources/interp-bench"),
    ]
)
