import Foundation
import TestSupport

/// The C sources of ``CSources``, compiled once per test run into a temporary folder with
/// `clang -target bpf -O2 -g -c` (run in that folder, so BTF names the file `NAME.c`).
enum CompiledObjects {
    static let directory: URL = {
        let url = TestScratch.root.appendingPathComponent("objects")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Why the compiled-object tests cannot run, or nil when clang is there.
    static let unavailableReason: String? = ObjectFixtures.clang == nil ? "clang not found (set CLANG)" : nil

    private static let cache = Cache()

    /// The object built from `source` as `name.c` (compiled on first use), or nil with a
    /// printed reason when clang is missing or refuses it.
    static func object(_ name: String, _ source: String) -> (bytes: [UInt8], path: String)? {
        cache.get(name) {
            guard let clang = ObjectFixtures.clang else { return nil }
            let sourceURL = directory.appendingPathComponent("\(name).c")
            let objectURL = directory.appendingPathComponent("\(name).o")
            do {
                try source.write(to: sourceURL, atomically: true, encoding: .utf8)
                try ExternalTool.run(
                    clang, ["-target", "bpf", "-O2", "-g", "-c", "\(name).c", "-o", "\(name).o"], in: directory)
                let data = try Data(contentsOf: objectURL)
                return ([UInt8](data), objectURL.path)
            } catch {
                print("note: cannot build \(name).c: \(error)")
                return nil
            }
        }
    }

    /// The 1-based line of `source` that contains `text`.
    static func line(of text: String, in source: String) -> Int? {
        source.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }.map { $0 + 1 }
    }

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var objects: [String: (bytes: [UInt8], path: String)?] = [:]

        func get(_ name: String, _ make: () -> (bytes: [UInt8], path: String)?) -> (bytes: [UInt8], path: String)? {
            lock.lock()
            defer { lock.unlock() }
            if let cached = objects[name] { return cached }
            let made = make()
            objects[name] = made
            return made
        }
    }
}

/// `../shared/tools/kernel_oracle.py`, the reference loader the differential tests compare
/// with: its `info` output, and the instructions its `build_from_elf()` links (read through
/// its Python API; no syscalls are made, so no root is needed).
enum KernelOracle {
    static let script: URL? = SharedFixtures.root.map { $0.appendingPathComponent("tools/kernel_oracle.py") }
        .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }

    static let unavailableReason: String? =
        script == nil ? "../shared/tools/kernel_oracle.py not found" : nil

    /// What the oracle links for one program.
    struct Linked: Decodable {
        struct MapReference: Decodable {
            var byteOffset: Int
            var map: String
            var valueOffset: Int?
        }
        struct Map: Decodable, Equatable {
            var name: String
            var type: UInt32
            var key_size: UInt32
            var value_size: UInt32
            var max_entries: UInt32
            var flags: UInt32
        }
        struct Chunk: Decodable, Equatable {
            var section: String
            var start: Int
            var count: Int
            var base: Int
        }
        var instructions: String  // hex
        var references: [MapReference]
        var maps: [Map]
        var chunks: [Chunk]
        var license: String
        var lines: [[Int]]  // [insn, line, column]
        var functions: [[Int]]  // [insn, type id]
    }

    /// Links `function` of `object` the oracle's way.
    static func link(_ objectPath: String, section: String, function: String) throws -> Linked {
        guard let script else { throw ExternalTool.Failure(description: "no oracle") }
        let program = """
            import json, sys
            sys.path.insert(0, \(quoted(script.deletingLastPathComponent().path)))
            import kernel_oracle as k
            P = k.build_from_elf(\(quoted(objectPath)), \(quoted(section)), \(quoted(function)))
            fi, li = k._ext_records(P) if P._btf is not None else ([], [])
            print(json.dumps({
                "instructions": bytes(P.insns).hex(),
                "references": [{"byteOffset": po, "map": m.name, "valueOffset": v} for po, m, v in P._m_refs],
                "maps": [{"name": m.name, "type": m.type, "key_size": m.key_size, "value_size": m.value_size,
                          "max_entries": m.max_entries, "flags": m.flags} for m in P.maps],
                "chunks": [{"section": c[0].name, "start": c[1], "count": c[2], "base": c[3]} for c in P._chunks],
                "license": P.license,
                "lines": [[r[0], r[3] >> 10, r[3] & 0x3ff] for r in li],
                "functions": [[r[0], r[1]] for r in fi]}))
            """
        let output = try ExternalTool.run("/usr/bin/env", ["python3", "-c", program])
        return try JSONDecoder().decode(Linked.self, from: Data(output.utf8))
    }

    /// `kernel_oracle.py info OBJECT`'s list of programs: (section, name, start, count).
    static func programs(_ objectPath: String) throws -> [[String]] {
        guard let script else { throw ExternalTool.Failure(description: "no oracle") }
        let output = try ExternalTool.run("/usr/bin/env", ["python3", script.path, "info", objectPath])
        struct Info: Decodable {
            struct Program: Decodable {
                var section: String
                var prog: String
                var start: Int
                var insns: Int
            }
            var programs: [Program]
        }
        return try JSONDecoder().decode(Info.self, from: Data(output.utf8)).programs.map {
            [$0.section, $0.prog, String($0.start), String($0.insns)]
        }
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
