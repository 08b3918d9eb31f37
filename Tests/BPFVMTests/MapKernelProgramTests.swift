import BPFABI
import BPFVM
import Foundation
import TestSupport
import Testing

/// The helper path against the kernel: a tc program (`drive.c` below) executes 32 commands taken
/// from its packet — lookup, update with each flag, delete — on one map and stores each result in
/// the `results` array; `kernel_oracle.py run --dump-maps` (pinned to CPU 0) gives the kernel's
/// maps afterwards. Here the same commands go through `lookup(_:cpu:)`/`update`/`delete` on worker
/// 0 and ``MapSet/dumpJSON()`` must equal the oracle's `"maps"` object: the results, and for LRU
/// maps which elements a program's lookups saved from eviction. Needs root and clang.
extension MapTests {
    @Suite(.enabled(if: MapKernelDriver.isAvailable && FileManager.default.fileExists(atPath: MapKernelProgram.clang),
                    "needs root, python3, clang and ../shared/tools/kernel_oracle.py"))
    struct ProgramAgainstKernel {
        /// (map type, max_entries, map_flags, pre-filled keys)
        static let variants: [(MapType, UInt32, MapFlags, Int)] = [
            (.lruHash, 8, .zeroSeed, 8),
            (.lruHash, 16, .zeroSeed, 16),
            (.lruHash, 6, [.zeroSeed, .noCommonLRU], 6),
            (.lruPercpuHash, 8, .zeroSeed, 0),
            (.hash, 8, .zeroSeed, 6),
            (.percpuHash, 8, .zeroSeed, 0),
        ]

        @Test(arguments: 0..<variants.count)
        func commandsMatchTheKernel(variant: Int) throws {
            let (type, entries, flags, prefilled) = Self.variants[variant]
            let program = try MapKernelProgram(type: type, maxEntries: entries, flags: flags)
            defer { program.remove() }
            var rng = SplitMix64(seed: UInt64(variant) + 100)
            for _ in 0..<5 {
                var commands: [UInt8] = []
                for _ in 0..<32 {
                    let op: UInt8 = switch rng.below(20) {
                    case 0..<6: 1
                    case 6..<13: 2
                    case 13..<16: 3
                    case 16..<18: 4
                    default: 5
                    }
                    commands += [op, UInt8(rng.below(24))]
                }
                let settings = (0..<prefilled).map { "m:\(MapKernelDriver.hex(le32(UInt32($0)))):\(MapKernelDriver.hex(le64(UInt64($0) << 8)))" }
                let kernel = try program.run(commands: commands, settings: settings)
                let ours = try replay(type: type, entries: entries, flags: flags, commands: commands, settings: settings)
                #expect(ours == kernel, "commands \(commands)")
            }
        }

        /// What `drive.c` does, through the helper path on worker 0.
        func replay(type: MapType, entries: UInt32, flags: MapFlags, commands: [UInt8], settings: [String]) throws -> NSDictionary {
            let set = MapSet(cpuCount: MapKernelDriver.possibleCPUs)
            try set.add(MapSpecification(name: "m", definition: MapDefinition(
                type: type, keySize: 4, valueSize: 8, maxEntries: entries, flags: flags, name: "m")))
            try set.add(MapSpecification(name: "results", definition: MapDefinition(
                type: .array, keySize: 4, valueSize: 8, maxEntries: 32, name: "results")))
            for setting in settings { try set.apply(setting: setting) }
            let map = set[0], results = set[1]
            for i in 0..<32 {
                let key = le32(UInt32(commands[2 * i + 1]))
                let value = le64(UInt64(i + 1))
                let r: Int
                switch commands[2 * i] {
                case 1: r = map.programLookup(key) == nil ? 0 : 1
                case 2: r = map.programUpdate(key, value, flags: MapUpdateFlags.any)
                case 3: r = map.programDelete(key)
                case 4: r = map.programUpdate(key, value, flags: MapUpdateFlags.noExist)
                case 5: r = map.programUpdate(key, value, flags: MapUpdateFlags.exist)
                default: continue
                }
                let slot = try #require(results.programLookup(le32(UInt32(i))))
                slot.storeBytes(of: UInt64(bitPattern: Int64(r)), as: UInt64.self)
            }
            let json = try JSONSerialization.jsonObject(with: Data(set.dumpJSON().utf8))
            return try #require(json as? NSDictionary)
        }
    }
}

/// `drive.c` compiled for one map variant, and runs of it in the kernel.
struct MapKernelProgram {
    static let clang = "/opt/swift/usr/bin/clang"
    let directory: URL
    let object: URL

    init(type: MapType, maxEntries: UInt32, flags: MapFlags) throws {
        directory = TestScratch.file("maps")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("drive.c")
        object = directory.appendingPathComponent("drive.o")
        try Self.source.write(to: source, atomically: true, encoding: .utf8)
        try ExternalTool.run(Self.clang, [
            "-target", "bpf", "-O2", "-g", "-DTYPE=\(type.rawValue)", "-DMAXE=\(maxEntries)",
            "-DFLAGS=\(flags.rawValue)", "-c", source.path, "-o", object.path,
        ])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The oracle's `"maps"` after one run with `commands` after the Ethernet header.
    func run(commands: [UInt8], settings: [String]) throws -> NSDictionary {
        let packet = directory.appendingPathComponent("packet.bin")
        try Data([UInt8](repeating: 0, count: 14) + commands).write(to: packet)
        var arguments = ["-c", "0", "/usr/bin/python3", MapKernelDriver.oracle!.path, "run", object.path,
                         "--packet", packet.path, "--dump-maps"]
        for setting in settings { arguments += ["--map-set", setting] }
        let output = try ExternalTool.run("/usr/bin/taskset", arguments)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? NSDictionary)
        #expect(result["retval"] as? Int == 0, "\(result)")
        return try #require(result["maps"] as? NSDictionary)
    }

    static let source = #"""
    typedef unsigned char __u8; typedef unsigned int __u32; typedef unsigned long long __u64;
    #define SEC(name) __attribute__((section(name), used))
    #define __uint(name, val) int (*name)[val]
    #define __type(name, val) typeof(val) *name
    struct __sk_buff { __u32 len; };
    static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
    static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
    static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
    static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *)26;
    static long (*bpf_loop)(__u32 n, void *fn, void *ctx, __u64 flags) = (void *)181;
    struct { __uint(type, TYPE); __uint(max_entries, MAXE); __uint(map_flags, FLAGS);
             __type(key, __u32); __type(value, __u64); } m SEC(".maps");
    struct { __uint(type, 2); __uint(max_entries, 32); __type(key, __u32); __type(value, __u64); } results SEC(".maps");
    struct commands { __u8 cmd[64]; };
    static int step(__u32 i, struct commands *c) {
        if (i >= 32)
            return 1;
        __u32 key = c->cmd[2 * i + 1];
        __u64 value = i + 1;
        long r;
        switch (c->cmd[2 * i]) {
        case 1: r = bpf_map_lookup_elem(&m, &key) != 0; break;
        case 2: r = bpf_map_update_elem(&m, &key, &value, 0); break;
        case 3: r = bpf_map_delete_elem(&m, &key); break;
        case 4: r = bpf_map_update_elem(&m, &key, &value, 1); break;
        case 5: r = bpf_map_update_elem(&m, &key, &value, 2); break;
        default: return 0;
        }
        __u64 *slot = bpf_map_lookup_elem(&results, &i);
        if (slot)
            *slot = (__u64)r;
        return 0;
    }
    SEC("tc") int drive(struct __sk_buff *skb) {
        struct commands c;
        if (bpf_skb_load_bytes(skb, 14, c.cmd, sizeof(c.cmd)))
            return 1;
        bpf_loop(32, step, &c, 0);
        return 0;
    }
    char LICENSE[] SEC("license") = "GPL";
    """#
}
