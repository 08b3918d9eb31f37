import BPFObject
import Foundation
import TestSupport

/// The example objects under Programs/build, built on demand with `make -C Programs` when
/// none are there and clang is available.
enum ObjectFixtures {
    static let clang: String? = {
        let candidate = ProcessInfo.processInfo.environment["CLANG"] ?? "/opt/swift/usr/bin/clang"
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()

    static var programsDirectory: URL { SharedFixtures.repositoryRoot.appendingPathComponent("Programs") }
    static var buildDirectory: URL { programsDirectory.appendingPathComponent("build") }

    /// Every `Programs/build/*.o`, by file name.
    static let objects: [String: [UInt8]] = {
        if list().isEmpty, let clang {
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            make.arguments = ["make", "-s", "-C", programsDirectory.path, "CLANG=\(clang)"]
            make.standardOutput = FileHandle.nullDevice
            try? make.run()
            make.waitUntilExit()
        }
        var objects = [String: [UInt8]]()
        for url in list() {
            if let data = FileManager.default.contents(atPath: url.path) {
                objects[url.lastPathComponent] = [UInt8](data)
            }
        }
        if objects.isEmpty {
            print("note: no objects in \(buildDirectory.path) (clang missing or `make -C Programs` failed)")
        }
        return objects
    }()

    static var names: [String] { objects.keys.sorted() }

    static func bytes(_ name: String) -> [UInt8]? { objects[name] }

    private static func list() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: buildDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".o") }.sorted().map { buildDirectory.appendingPathComponent($0) }
    }
}

/// Little-endian field writers, to damage objects on purpose.
extension [UInt8] {
    mutating func setU16(_ value: UInt16, at offset: Int) {
        for i in 0..<2 { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt16(i))) }
    }

    mutating func setU32(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }

    mutating func setU64(_ value: UInt64, at offset: Int) {
        for i in 0..<8 { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    func u32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
