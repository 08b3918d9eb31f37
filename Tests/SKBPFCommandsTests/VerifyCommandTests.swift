import Foundation
import TestSupport
import Testing

/// `skbpf verify`: exit 0 with a one-line summary for accepted programs, exit 1 with where, why
/// and how to fix it for rejected ones.
@Suite(.enabled(if: CommandRunner.executable != nil && ExamplePrograms.built,
                "needs the skbpf executable and Programs/build (make -C Programs)"))
struct VerifyCommandTests {
    @Test(arguments: ["classifier", "dnat", "flow_counters", "nat64", "payload_scan", "port_filter", "rate_limit",
                      "trim_headers", "ttl_guard_v4", "vlan_push_pop", "dns_block", "ipip_encap"])
    func everyExampleVerifies(_ name: String) throws {
        let out = try CommandRunner.run(["verify", "Programs/build/\(name).o"].appending(sectionOf: name))
        #expect(out.status == 0, "\(out.standardError)")
        #expect(out.standardOutput.hasPrefix("accepted: "))
    }

    @Test func aMissingBoundsCheckIsExplained() throws {
        let source = """
            r2 = *(u32 *)(r1 + 76)
            r3 = *(u32 *)(r1 + 80)
            r4 = r2
            r4 += 14
            if r4 > r3 goto out
            r0 = *(u8 *)(r2 + 23)
            exit
            out:
            r0 = 0
            exit
            """
        let file = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("insn 5: w0 = *(u8 *)(r2 + 0x17)"))
        #expect(out.standardError.contains("invalid access to packet, off=23 size=1, R2(id=0,off=23,r=14)"))
        #expect(out.standardError.contains("hint: check `data + 24 <= data_end`"))
        #expect(out.standardError.contains("state: "))
    }

    // MARK: - Hints for the common mistakes (the kernel's message, then how to fix it)

    /// Verifies assembly text; returns the exit status and standard error.
    private func verify(_ source: String, _ options: [String] = []) throws -> (status: Int32, errors: String) {
        let file = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path] + options)
        return (out.status, out.standardError)
    }

    /// Checks 14 packet bytes, calls bpf_skb_store_bytes (which may move the packet), then writes
    /// through the packet pointer it had before the call.
    static let writeAfterStoreBytes = """
            r6 = r1
            r7 = *(u32 *)(r6 + 76)
            r8 = *(u32 *)(r6 + 80)
            r2 = r7
            r2 += 14
            if r2 > r8 goto out
            r1 = r6
            r2 = 12
            r3 = r10
            r3 += -8
            r4 = 0
            *(u64 *)(r10 - 8) = r4
            r4 = 2
            r5 = 0
            call 9
            r1 = 1
            *(u8 *)(r7 + 0) = r1
            out:
            r0 = 0
            exit
        """

    @Test func hintForAPacketPointerAHelperInvalidated() throws {
        let source = Self.writeAfterStoreBytes
        let hint = "hint: R7 was a packet pointer until the call to bpf_skb_store_bytes at insn 14 changed the packet: "
            + "load skb->data and skb->data_end again after the call and check the bounds again"
        let root = try verify(source)
        #expect(root.status == 1)
        #expect(root.errors.contains("R7 invalid mem access 'scalar'"))  // the kernel's words, measured
        #expect(root.errors.contains(hint))
        let strict = try verify(source, ["--strict"])
        #expect(strict.errors.contains("R7 !read_ok"))
        #expect(strict.errors.contains(hint))
    }

    @Test func hintForUninitialisedStackPassedToAHelper() throws {
        let source = "r2 = 12\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 0\ncall 9\nr0 = 0\nexit\n"
        #expect(try verify(source).status == 0)  // root may (measured)
        let strict = try verify(source, ["--strict"])
        #expect(strict.errors.contains("invalid read from stack R3 off=-8 size=4"))
        #expect(strict.errors.contains(
            "hint: bpf_skb_store_bytes reads 4 bytes at fp-8 that were never written on this path: initialise them"))
    }

    @Test func hintForAReturnedPointer() throws {
        let strict = try verify("r0 = r1\nexit\n", ["--strict"])
        #expect(strict.errors.contains("R0 leaks addr as return value"))
        #expect(strict.errors.contains("hint: return a number (a TC_ACT_* verdict), not a pointer"))
    }

    @Test func hintForALoopThatMakesNoProgress() throws {
        let out = try verify("r0 = 0\nl:\nif r0 == 0 goto l\nexit\n")
        #expect(out.errors.contains("infinite loop detected at insn 1"))
        #expect(out.errors.contains("hint: the loop can come back here with nothing changed"))
    }

    @Test func hintForALoopTooLongToWalk() throws {
        let out = try verify("r1 = 0\nl:\nr1 += 1\nif r1 < 1000000 goto l\nr0 = 0\nexit\n")
        #expect(out.errors.contains("BPF program is too large. Processed 1000001 insn"))
        #expect(out.errors.contains("hint: the loop from insn 1 to insn 2 is walked once per iteration"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/clang"), "clang not found"))
    func hintForAMapValueUsedWithoutANullCheck() throws {
        let object = try compile("""
            #include "skbpf.h"
            struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
            char _license[] SEC("license") = "GPL";
            SEC("tc") int f(struct __sk_buff *skb) {
                __u32 k = 1;
                __u64 *v = bpf_map_lookup_elem(&counts, &k);
                return *v;
            }
            """)
        let out = try CommandRunner.run(["verify", object.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("R0 invalid mem access 'map_value_or_null'"), "\(out.standardError)")
        #expect(out.standardError.contains("hint: the pointer may be NULL here: check it (if (!p) return ...) before this access"))
        #expect(out.standardError.contains(".c:7"), "the source line from BTF: \(out.standardError)")
    }

    /// `source` compiled with `clang -target bpf -O2 -g` against Programs/c/include.
    private func compile(_ source: String) throws -> URL {
        let c = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".c")
        let object = c.deletingPathExtension().appendingPathExtension("o")
        _ = try ExternalTool.run("/opt/swift/usr/bin/clang", [
            "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
            "-I" + SharedFixtures.repositoryRoot.appendingPathComponent("Programs/c/include").path, "-c", c.path, "-o", object.path])
        return object
    }

    @Test func strictRefusesWhatRootMayDo() throws {
        let file = try CommandRunner.temporaryFile(Array("r0 = r1\nexit\n".utf8), suffix: ".s")
        #expect(try CommandRunner.run(["verify", file.path]).status == 0)
        let strict = try CommandRunner.run(["verify", file.path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.standardError.contains("R0 leaks addr as return value"))
    }

    @Test func logPrintsTheStateTrace() throws {
        let file = try CommandRunner.temporaryFile(Array("r0 = 0\nexit\n".utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path, "--log"])
        #expect(out.standardOutput.contains("0: R1=ctx() R10=fp0"))
    }

    /// `--log` in the kernel's verbose-log shape (kernel_oracle.py verify --log-level 1 on the
    /// same program prints these lines, the disassembly apart: the kernel writes `+76`, `pc+11`).
    @Test func logLooksLikeTheKernels() throws {
        let source = Self.writeAfterStoreBytes
        let file = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".s")
        let lines = try CommandRunner.run(["verify", file.path, "--log"]).standardOutput.split(separator: "\n").map(String.init)
        for kernelLine in [
            "0: R1=ctx() R10=fp0",
            "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()",
            "3: (bf) r2 = r7                       ; R2=pkt(r=0) R7=pkt(r=0)",
            "6: (bf) r1 = r6                       ; R1=ctx() R6=ctx()",
            "8: (bf) r3 = r10                      ; R3=fp0 R10=fp0",
            "14: (85) call bpf_skb_store_bytes#9   ; R0=scalar()",
            "R7 invalid mem access 'scalar'",
            "processed 17 insns (limit 1000000) max_states_per_insn 1 total_states 1 peak_states 1 mark_read 0",
        ] {
            #expect(lines.contains(kernelLine), "missing: \(kernelLine)")
        }
        #expect(lines.contains { $0.hasPrefix("4: (07) r2 += ") && $0.hasSuffix("; R2=pkt(off=14,r=0)") })
        #expect(lines.contains { $0.hasPrefix("5: (2d) if r2 > r8 goto ") && $0.hasSuffix("; R2=pkt(off=14,r=14) R8=pkt_end()") })
        // The stack slot a store went through, as the kernel prints it.
        #expect(lines.contains { $0.hasPrefix("11: (7b) *(u64 *)(r10 ") && $0.hasSuffix("; R4=0 R10=fp0 fp-8=0") })
        // Every path, as level 2 logs them: a branch taken later starts with `from <jump> to <target>:`.
        let accepted = try CommandRunner.run(["verify", "Programs/build/classifier.o", "--log"]).standardOutput
            .split(separator: "\n").map(String.init)
        #expect(accepted.contains { $0.hasPrefix("from ") && $0.contains(" to ") && $0.contains(": R0=") && $0.contains(" R10=fp0") })
        #expect(accepted.contains { $0.hasPrefix("processed ") && $0.contains(" insns (limit 1000000) max_states_per_insn ")
            && $0.hasSuffix(" mark_read 0") })
    }
}

private extension Array where Element == String {
    /// Objects with programs in several sections name the one to verify.
    func appending(sectionOf name: String) -> [String] {
        switch name {
        case "ringbuf_logger", "tail_dispatch": self + ["--section", "tc"]
        default: self
        }
    }
}
