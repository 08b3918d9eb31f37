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

    /// The common mistakes, each with the fix in the program's terms.
    struct Mistake: Sendable, CustomStringConvertible {
        var description: String
        var source: String
        var flags: [String] = []
        var message: String
        var hint: String
    }

    static let mistakes: [Mistake] = [
        Mistake(description: "uninitialised stack passed to a helper", source: """
            r2 = 0
            r3 = r10
            r3 += -8
            r4 = 4
            r5 = 0
            call 9
            r0 = 0
            exit
            """, flags: ["--strict"], message: "invalid read from stack R3 off=-8 size=4",
            hint: "bpf_skb_store_bytes reads 4 bytes at fp-8 that were never written on this path"),
        Mistake(description: "a pointer returned", source: "r0 = r1\nexit\n", flags: ["--strict"],
                message: "R0 leaks addr as return value", hint: "return a number (a TC_ACT_* verdict), not a pointer"),
        Mistake(description: "a loop that cannot end", source: """
            r0 = 0
            loop:
            r0 += 0
            if r0 == 0 goto loop
            exit
            """, message: "infinite loop detected", hint: "make its exit condition depend on a counter the loop changes"),
        Mistake(description: "a packet pointer used after a helper changed the packet", source: """
            r6 = r1
            r7 = *(u32 *)(r6 + 76)
            r8 = *(u32 *)(r6 + 80)
            r4 = r7
            r4 += 14
            if r4 > r8 goto out
            r1 = r6
            r2 = 0
            call 39
            r0 = *(u8 *)(r7 + 0)
            exit
            out:
            r0 = 0
            exit
            """, message: "R7 invalid mem access 'scalar'",
            hint: "a packet pointer is invalidated by helpers that change the packet"),
    ]

    @Test(arguments: mistakes)
    func aCommonMistakeGetsAHint(_ mistake: Mistake) throws {
        let file = try CommandRunner.temporaryFile(Array(mistake.source.utf8), suffix: ".s")
        let out = try CommandRunner.run(["verify", file.path, "--type", "tc"] + mistake.flags)
        #expect(out.status == 1)
        #expect(out.standardError.contains(mistake.message), "\(out.standardError)")
        #expect(out.standardError.contains("hint: ") && out.standardError.contains(mistake.hint), "\(out.standardError)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/clang"), "needs clang -target bpf"))
    func aMapValueUsedWithoutANullCheckGetsAHint() throws {
        let source = """
            #include "skbpf.h"
            struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
            SEC("tc") int count(struct __sk_buff *skb) {
                __u32 key = skb->mark;
                __u64 *value = bpf_map_lookup_elem(&counts, &key);
                return *value ? 1 : 0;
            }
            char _license[] SEC("license") = "GPL";
            """
        let c = try CommandRunner.temporaryFile(Array(source.utf8), suffix: ".c")
        let object = c.deletingPathExtension().appendingPathExtension("o")
        let include = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/c/include").path
        _ = try ExternalTool.run("/opt/swift/usr/bin/clang", ["-target", "bpf", "-O2", "-g", "-I", include, "-c", c.path,
                                                              "-o", object.path])
        let out = try CommandRunner.run(["verify", object.path])
        #expect(out.status == 1)
        #expect(out.standardError.contains("invalid mem access 'map_value_or_null'"), "\(out.standardError)")
        #expect(out.standardError.contains("hint: the pointer may be NULL here: check it"), "\(out.standardError)")
        #expect(out.standardError.contains(".c:6"), "the source line from BTF: \(out.standardError)")
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
