import BPFISA
import Foundation
import TestSupport
import Testing

/// The LLVM dialect against the real toolchain: C compiled with clang, listed by
/// `llvm-objdump`, must assemble back to the bytes of the object's section; and clang's own
/// assembler must encode the encoding table's LLVM text as we do. Skipped without clang.
@Suite struct AssemblerObjdumpTests {
    static let tools = AssemblerToolchain.find()

    /// C sources and the `-mcpu` levels they are compiled for.
    static let builds: [(name: String, cpu: String)] = [
        ("filter", "v1"), ("filter", "v2"), ("filter", "v3"), ("filter", "v4"), ("atomics", "v3"), ("signed", "v4"),
    ]

    @Test(.enabled(if: tools != nil, "clang, llvm-objdump or llvm-objcopy not found"), arguments: builds)
    func objdumpListingAssemblesToTheSectionBytes(_ name: String, _ cpu: String) throws {
        let tools = try #require(Self.tools)
        let directory = try AssemblerToolchain.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("\(name).c")
        let object = directory.appendingPathComponent("\(name)-\(cpu).o")
        try Self.programs[name, default: ""].write(to: source, atomically: true, encoding: .utf8)
        try tools.run(
            tools.clang, ["-target", "bpf", "-O2", "-g", "-mcpu=\(cpu)", "-c", source.path, "-o", object.path])

        let listing = try tools.run(tools.objdump, ["-d", object.path])
        let sections = listing.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("Disassembly of section "), line.hasSuffix(":") else { return nil }
            return String(line.dropFirst("Disassembly of section ".count).dropLast())
        }
        #expect(!sections.isEmpty)
        for section in sections {
            let bytesFile = directory.appendingPathComponent("\(section).bin")
            try tools.run(tools.objcopy, ["-O", "binary", "--only-section=\(section)", object.path, bytesFile.path])
            let expected = [UInt8](try Data(contentsOf: bytesFile))
            // Plain, with raw bytes, and with relocations and interleaved source (`-dr -S`).
            for flags in [["-d", "--no-show-raw-insn"], ["-d"], ["-dr", "-S"]] {
                let text = try tools.run(tools.objdump, flags + ["--section=\(section)", object.path])
                let program = try Assembler.assemble(text, fileName: "\(name)-\(cpu) \(section)")
                #expect(program.encoded() == expected, "\(name) -mcpu=\(cpu) section \(section) objdump \(flags)")
            }
        }
        // clang's `-S` output (directives skipped) of a single-function program is the same code.
        if sections.count == 1 {
            let assembly = try tools.run(
                tools.clang, ["-target", "bpf", "-O2", "-g", "-mcpu=\(cpu)", "-S", source.path, "-o", "-"])
            let bytesFile = directory.appendingPathComponent("\(sections[0]).bin")
            let program = try Assembler.assemble(assembly, fileName: "\(name)-\(cpu).s")
            #expect(program.encoded() == [UInt8](try Data(contentsOf: bytesFile)), "\(name) -mcpu=\(cpu) clang -S")
        }
    }

    /// clang's BPF assembler reads the canonical LLVM spellings of the encoding table.
    @Test(.enabled(if: tools != nil, "clang, llvm-objdump or llvm-objcopy not found"))
    func clangAssemblesTheTableLikeWeDo() throws {
        let tools = try #require(Self.tools)
        let directory = try AssemblerToolchain.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = AssemblerEncodingCase.all.filter { $0.clangAgrees && $0.llvm != nil }
        let text = rows.compactMap(\.llvm).joined(separator: "\n") + "\n"
        let source = directory.appendingPathComponent("table.s")
        let object = directory.appendingPathComponent("table.o")
        let bytesFile = directory.appendingPathComponent("table.bin")
        try text.write(to: source, atomically: true, encoding: .utf8)
        try tools.run(tools.clang, ["-target", "bpf", "-mcpu=v4", "-c", source.path, "-o", object.path])
        try tools.run(tools.objcopy, ["-O", "binary", "--only-section=.text", object.path, bytesFile.path])
        let clangBytes = [UInt8](try Data(contentsOf: bytesFile))
        let ours = try Assembler.assemble(text, dialect: .llvm, validating: false).encoded()
        #expect(ours.count == clangBytes.count)
        // Compare slot by slot so that a mismatch names the row.
        var offset = 0
        for row in rows {
            let count = row.bytes.split(separator: " ").count
            guard offset + count <= min(ours.count, clangBytes.count) else { break }
            #expect(
                Array(ours[offset..<offset + count]) == Array(clangBytes[offset..<offset + count]), "\(row.llvm ?? "")")
            offset += count
        }
    }

    static let programs: [String: String] = [
        // Packet parsing, loops, a subprogram, a helper through a map relocation, a switch, and
        // legacy packet loads from inline assembly.
        "filter": """
        typedef unsigned long long u64; typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;
        struct ctx { u32 len; u32 pad; u64 data; u64 data_end; };
        struct { int type; int max; } counters __attribute__((section(".maps"), used));
        static long (*lookup)(void *map, const void *key) = (void *)1;
        __attribute__((noinline)) static u32 mix(u32 h, u32 v) { h ^= v; h *= 0x01000193; return h >> 3 | h << 29; }
        __attribute__((section("tc"), used)) int classify(struct ctx *c) {
            u8 *p = (u8 *)(unsigned long)c->data, *end = (u8 *)(unsigned long)c->data_end;
            if (p + 34 > end) return 0;
            u16 proto = (u16)(p[12] << 8 | p[13]);
            if (proto != 0x0800) return 1;
            u32 h = 0;
            for (int i = 0; i < 16; i++) { if (p + 35 + i > end) break; h = mix(h, p[34 + i]); }
            u32 key = h & 7;
            long *v = (long *)lookup(&counters, &key);
            if (v) *v += 1;
            switch (p[23]) { case 6: h += 3; break; case 17: h -= 9; break; case 1: h = ~h; break; default: h /= 7; }
            if ((int)h < -5) h %= 13;
            u64 legacy;
            asm volatile("r6 = %1\\n\\tr0 = *(u8 *)skb[0x17]\\n\\tr7 = 2\\n\\tr0 = *(u16 *)skb[r7]\\n\\t"
                         "r0 = *(u32 *)skb[0x2]\\n\\t%0 = r0" : "=r"(legacy) : "r"(c) : "r0", "r6", "r7");
            return (int)(h + legacy);
        }
        __attribute__((section("socket"), used)) int second(void *skb) { return mix(1, 2) + 3; }
        """,
        // Every atomic operation LLVM emits (needs -mcpu=v3).
        "atomics": """
        typedef unsigned long long u64; typedef unsigned int u32;
        __attribute__((section("xdp"), used)) int atomics(u64 *x) {
            u64 st[4] = {1, 2, 3, 4};
            u32 w[2] = {5, 6};
            __sync_fetch_and_add(&st[0], x[1]);
            u64 a = __sync_fetch_and_add(&st[1], 7), b = __sync_fetch_and_or(&st[2], x[2]);
            u64 c = __sync_fetch_and_and(&st[3], a), d = __sync_fetch_and_xor(&st[0], b);
            u32 e = __sync_fetch_and_add(&w[0], 3), f = __sync_fetch_and_xor(&w[1], e);
            __sync_fetch_and_or(&w[0], 1); __sync_fetch_and_and(&w[1], 2); __sync_fetch_and_xor(&st[1], 9);
            u64 g = __sync_lock_test_and_set(&st[2], c);
            u32 h = __sync_lock_test_and_set(&w[0], f);
            u64 i = __sync_val_compare_and_swap(&st[3], g, d);
            u32 j = __sync_val_compare_and_swap(&w[1], h, e);
            return (int)(a + b + c + d + e + f + g + h + i + j);
        }
        """,
        // cpu v4: signed division, sign-extending loads and moves, byte swaps, gotol-capable jumps.
        "signed": """
        typedef unsigned long long u64; typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;
        typedef long long s64; typedef int s32; typedef short s16; typedef signed char s8;
        struct ctx { s64 a; s32 b; s16 c; s8 d; u8 e; u64 f; };
        __attribute__((section("xdp"), used)) int signed_ops(struct ctx *x) {
            s64 q = x->a / (s64)x->b, r = x->a % (s64)x->c;
            s32 q32 = x->b / (s32)x->d, r32 = x->b % (s32)x->c;
            s64 ext = (s64)(s8)x->f + (s64)(s16)(x->f >> 8) + (s64)(s32)(x->f >> 16);
            u64 sw = __builtin_bswap64(x->f) ^ __builtin_bswap32((u32)x->f) ^ __builtin_bswap16((u16)x->f);
            return (int)(q + r + q32 + r32 + ext + sw + x->d);
        }
        """,
    ]
}

/// clang, llvm-objdump and llvm-objcopy: from the Swift toolchain, else from PATH.
struct AssemblerToolchain: Sendable {
    var clang: String
    var objdump: String
    var objcopy: String

    static func find() -> AssemblerToolchain? {
        func locate(_ name: String) -> String? {
            let directories =
                ["/opt/swift/usr/bin"]
                + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let clang = locate("clang"), let objdump = locate("llvm-objdump"), let objcopy = locate("llvm-objcopy")
        else {
            return nil
        }
        return AssemblerToolchain(clang: clang, objdump: objdump, objcopy: objcopy)
    }

    static func temporaryDirectory() throws -> URL {
        let url = TestScratch.file("asm")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `tool` and returns its standard output; a non-zero exit is an error carrying stderr.
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ExternalTool.run(tool, arguments)
    }
}
