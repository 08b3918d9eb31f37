import BPFABI
import BPFVM
import Foundation
import TestSupport
import Testing

/// The maps against the running kernel: the same operations through `bpf(2)` (by a small
/// Python driver over `kernel_oracle.py`'s syscall wrappers, pinned to CPU 0) and through the
/// user-space API here, compared result by result, including `BPF_MAP_GET_NEXT_KEY` order.
/// Hash maps use `BPF_F_ZERO_SEED` so the kernel's buckets are predictable; LRU maps check that
/// eviction picks the kernel's victims. Needs root and `../shared/tools/kernel_oracle.py`.
extension MapTests {
    @Suite(.enabled(if: MapKernelDriver.isAvailable, "needs root, python3 and ../shared/tools/kernel_oracle.py"))
    struct AgainstKernel {
        static let zeroSeed = MapFlags.zeroSeed
        static let noCommonLRU = MapFlags.noCommonLRU

        @Test func hashWithZeroSeed() throws {
            try compare(.hash, key: 4, value: 8, entries: 16, flags: Self.zeroSeed, keySpace: 40, seed: 1)
        }

        @Test(arguments: [1, 6, 13, 16, 27])
        func hashKeySizes(keySize: UInt32) throws {
            try compare(.hash, key: keySize, value: 4, entries: 24, flags: Self.zeroSeed, keySpace: 60, seed: UInt64(keySize))
        }

        @Test func perCPUHash() throws {
            try compare(.percpuHash, key: 4, value: 12, entries: 8, flags: Self.zeroSeed, keySpace: 20, seed: 3)
        }

        @Test(arguments: [(8, 1), (8, 2), (3, 3), (64, 4), (300, 5)] as [(UInt32, UInt64)])
        func lruHashEvictsLikeTheKernel(entries: UInt32, seed: UInt64) throws {
            try compare(.lruHash, key: 4, value: 8, entries: entries, flags: Self.zeroSeed,
                        keySpace: Int(entries) * 3, operations: 800, seed: seed)
        }

        @Test(arguments: [(8, 6), (5, 7), (40, 8)] as [(UInt32, UInt64)])
        func lruHashWithPerCPULists(entries: UInt32, seed: UInt64) throws {
            try compare(.lruHash, key: 4, value: 8, entries: entries, flags: [Self.zeroSeed, Self.noCommonLRU],
                        keySpace: Int(entries) * 3, operations: 600, seed: seed)
        }

        @Test(arguments: [MapFlags.zeroSeed, [MapFlags.zeroSeed, MapFlags.noCommonLRU]])
        func lruPerCPUHash(flags: MapFlags) throws {
            try compare(.lruPercpuHash, key: 4, value: 4, entries: 8, flags: flags, keySpace: 24, operations: 500, seed: 9)
        }

        /// Mostly updates: the map stays full and evicts on almost every insert.
        @Test(arguments: [(8, 21), (33, 22), (200, 23)] as [(UInt32, UInt64)])
        func lruHashUnderChurn(entries: UInt32, seed: UInt64) throws {
            try compare(.lruHash, key: 4, value: 8, entries: entries, flags: Self.zeroSeed,
                        keySpace: Int(entries) * 4, operations: 3000, weights: (8, 1, 1), seed: seed)
            try compare(.lruHash, key: 4, value: 8, entries: entries, flags: [Self.zeroSeed, Self.noCommonLRU],
                        keySpace: Int(entries) * 4, operations: 3000, weights: (8, 1, 1), seed: seed)
        }

        /// Operations from several CPUs: each CPU's local free and pending lists, and stealing from
        /// another CPU's lists when the global ones are empty.
        @Test(arguments: [(1, 31), (2, 32), (3, 33), (8, 34), (40, 35)] as [(UInt32, UInt64)])
        func lruHashFromSeveralCPUs(entries: UInt32, seed: UInt64) throws {
            try #require(MapKernelDriver.possibleCPUs > 1, "needs two CPUs")
            for flags: MapFlags in [Self.zeroSeed, [Self.zeroSeed, Self.noCommonLRU]] {
                try compare(.lruHash, key: 4, value: 8, entries: entries, flags: flags, keySpace: Int(entries) * 3 + 2,
                            operations: 1500, weights: (6, 2, 2), switchingCPUs: true, seed: seed)
                try compare(.lruPercpuHash, key: 4, value: 8, entries: entries, flags: flags, keySpace: Int(entries) * 3 + 2,
                            operations: 600, weights: (6, 2, 2), switchingCPUs: true, seed: seed)
            }
        }

        @Test func array() throws {
            try compare(.array, key: 4, value: 12, entries: 5, keySpace: 8, seed: 10)
        }

        @Test func perCPUArray() throws {
            try compare(.percpuArray, key: 4, value: 4, entries: 3, keySpace: 5, seed: 11)
        }

        @Test func emptyProgramArray() throws {
            // Updates need program fds; lookups, deletes and the dump of empty slots are comparable.
            let ops: [MapKernelDriver.Operation] = (0..<6).flatMap { k in
                [.lookup(le32(UInt32(k))), .delete(le32(UInt32(k)))]
            } + [.dump]
            try compare(.progArray, key: 4, value: 4, entries: 4, operations: ops)
        }

        // MARK: -

        /// Random operations over `keySpace` keys, with every flag value (and some invalid ones).
        func compare(_ type: MapType, key: UInt32, value: UInt32, entries: UInt32, flags: MapFlags = [],
                     keySpace: Int, operations: Int = 400, weights: (update: Int, lookup: Int, delete: Int) = (5, 2, 3),
                     switchingCPUs: Bool = false, seed: UInt64) throws {
            var rng = SplitMix64(seed: seed)
            let cpus = MapKernelDriver.possibleCPUs
            let valueBytes = type.isPerCPU ? Int(value + 7) / 8 * 8 * cpus : Int(value)
            func keyBytes(_ i: Int) -> [UInt8] {
                var bytes = [UInt8](repeating: 0x5a, count: Int(key))
                withUnsafeBytes(of: UInt32(i).littleEndian) { raw in
                    for (j, b) in raw.enumerated() where j < bytes.count { bytes[bytes.count - 1 - j] = b }
                }
                return bytes
            }
            var ops: [MapKernelDriver.Operation] = []
            for n in 0..<operations {
                let k = keyBytes(rng.below(keySpace))
                let roll = rng.below(weights.update + weights.lookup + weights.delete)
                if roll < weights.update {
                    let flags: UInt64 = rng.below(20) == 0 ? rng.pick([3, 4, 8]) : rng.pick([0, 0, 0, 1, 2])
                    let v = (0..<valueBytes).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    ops.append(.update(k, v, flags))
                } else if roll < weights.update + weights.lookup {
                    ops.append(.lookup(k))
                } else {
                    ops.append(.delete(k))
                }
                if n % 40 == 39 { ops.append(.dump) }
                if switchingCPUs && rng.below(8) == 0 { ops.append(.cpu(rng.below(cpus))) }
            }
            ops.append(.dump)
            try compare(type, key: key, value: value, entries: entries, flags: flags, operations: ops)
        }

        func compare(_ type: MapType, key: UInt32, value: UInt32, entries: UInt32, flags: MapFlags = [],
                     operations: [MapKernelDriver.Operation]) throws {
            let definition = MapDefinition(type: type, keySize: key, valueSize: value, maxEntries: entries,
                                           flags: flags, name: "m")
            let kernel = try MapKernelDriver.run(definition, operations)
            let ours = try MapKernelDriver.runHere(definition, operations)
            #expect(kernel.count == ours.count)
            for (i, (theirs, mine)) in zip(kernel, ours).enumerated() where theirs != mine {
                Issue.record("operation \(i) \(operations[i]): kernel \(theirs), skbpf \(mine)")
                return
            }
        }
    }
}

/// Runs map operations in the kernel (through Python) and here, as lines of text.
enum MapKernelDriver {
    enum Operation: CustomStringConvertible {
        case update([UInt8], [UInt8], UInt64)
        case lookup([UInt8])
        case delete([UInt8])
        case dump
        /// Later operations run on this CPU.
        case cpu(Int)

        var json: [Any] {
            switch self {
            case .update(let k, let v, let f): ["update", hex(k), hex(v), f]
            case .lookup(let k): ["lookup", hex(k)]
            case .delete(let k): ["delete", hex(k)]
            case .dump: ["dump"]
            case .cpu(let n): ["cpu", n]
            }
        }

        var description: String { json.map { "\($0)" }.joined(separator: " ") }
    }

    static let oracle = SharedFixtures.root?.appendingPathComponent("tools/kernel_oracle.py")

    static let isAvailable: Bool = {
        guard getuid() == 0, let oracle, FileManager.default.fileExists(atPath: oracle.path),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        else { return false }
        return true
    }()

    /// `/sys/devices/system/cpu/possible`, as the kernel sizes per-CPU values.
    static let possibleCPUs: Int = {
        guard let text = try? String(contentsOfFile: "/sys/devices/system/cpu/possible", encoding: .utf8) else { return 1 }
        var count = 0
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            count += bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1
        }
        return max(count, 1)
    }()

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func run(_ definition: MapDefinition, _ operations: [Operation]) throws -> [String] {
        let directory = TestScratch.file("maps")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("driver.py")
        let request = directory.appendingPathComponent("request.json")
        try driver.write(to: script, atomically: true, encoding: .utf8)
        let object: [String: Any] = [
            "tools": oracle!.deletingLastPathComponent().path,
            "type": Int(definition.type.rawValue), "key_size": Int(definition.keySize),
            "value_size": Int(definition.valueSize), "max_entries": Int(definition.maxEntries),
            "flags": Int(definition.flags.rawValue), "ops": operations.map(\.json),
        ]
        try JSONSerialization.data(withJSONObject: object).write(to: request)
        let output = try ExternalTool.run("/usr/bin/python3", [script.path, request.path])
        return output.split(separator: "\n").map(String.init)
    }

    static func runHere(_ definition: MapDefinition, _ operations: [Operation]) throws -> [String] {
        let set = MapSet(cpuCount: possibleCPUs)
        try set.add(MapSpecification(name: "m", definition: definition))
        let map = set[0]
        map.userCPU = 0
        func errno(_ body: () throws(MapError) -> Void) -> String {
            do {
                try body()
                return "0"
            } catch { return "-\(error.errno.rawValue)" }
        }
        return operations.map { operation in
            switch operation {
            case .update(let k, let v, let f): return errno { () throws(MapError) in try map.update(key: k, value: v, flags: f) }
            case .delete(let k): return errno { () throws(MapError) in try map.delete(key: k) }
            case .lookup(let k):
                do throws(MapError) {
                    return try map.lookup(key: k).map(hex) ?? "-2"
                } catch { return "-\(error.errno.rawValue)" }
            case .cpu(let n):
                map.userCPU = n
                return "cpu \(n)"
            case .dump:
                return (["dump"] + map.entries().map { "\(hex($0.key))=\($0.value.map(hex) ?? "None")" }).joined(separator: " ")
            }
        }
    }

    /// Creates the map with bpf(2) on CPU 0 and prints one line per operation.
    static let driver = #"""
    import ctypes, json, os, struct, sys
    req = json.load(open(sys.argv[1]))
    sys.path.insert(0, req["tools"])
    import kernel_oracle as ko
    os.sched_setaffinity(0, {0})
    ncpu = ko.possible_cpus()
    t, ks, vs = req["type"], req["key_size"], req["value_size"]
    percpu = t in (5, 6, 10)
    vsz = ((vs + 7) // 8 * 8) * ncpu if percpu else vs
    fd, e = ko.map_create(t, ks, vs, req["max_entries"], req["flags"], "m")
    if fd < 0:
        sys.exit("BPF_MAP_CREATE: " + ko.errname(e))
    def delete(key):
        kb = ko._buf(key)
        attr = ctypes.create_string_buffer(32)
        struct.pack_into("<IIQ", attr, 0, fd, 0, ko._addr(kb))
        return ko.bpf(3, attr)
    for op in req["ops"]:
        if op[0] == "update":
            r, e = ko.map_update(fd, bytes.fromhex(op[1]), bytes.fromhex(op[2]), op[3])
            print(-e if r < 0 else 0)
        elif op[0] == "lookup":
            val, e = ko.map_lookup(fd, bytes.fromhex(op[1]), vsz)
            print(val.hex() if val is not None else -e)
        elif op[0] == "delete":
            r, e = delete(bytes.fromhex(op[1]))
            print(-e if r < 0 else 0)
        elif op[0] == "cpu":
            os.sched_setaffinity(0, {op[1]})
            print("cpu %d" % op[1])
        else:
            out, key = [], None
            while True:
                nk = ko.map_next_key(fd, key, ks)
                if nk is None:
                    break
                val, _ = ko.map_lookup(fd, nk, vsz)
                out.append("%s=%s" % (nk.hex(), val.hex() if val is not None else "None"))
                key = nk
            print(" ".join(["dump"] + out))
    """#
}
