import BPFABI
import BPFISA
import BPFVM
import BPFVerifier
import Foundation
import PacketBuffer
import TestSupport
import Testing

/// Soundness: random but plausible tc programs (packet parsing, stack use, context fields, helper
/// calls, loops — with deliberate mistakes) go to the verifier; every program it accepts runs in
/// the checked interpreter over random packets and must never trap. A trap is a memory access the
/// verifier failed to rule out. Each run that ends well runs again as x86-64 machine code
/// (unchecked, as verified programs run) on the same packet: same return value, same bytes, same
/// mark, same instruction count. `SKBPF_SOUNDNESS_N` sets how many programs (default 10,000).
struct SoundnessTests {
    static let programCount = ProcessInfo.processInfo.environment["SKBPF_SOUNDNESS_N"].flatMap(Int.init) ?? 10_000
    static let packetsPerProgram = 8

    @Test func acceptedProgramsNeverTrap() throws {
        var random = SplitMix64(seed: 0x5eed_50_0d)
        var accepted = 0
        let skb = SkBuff(capacity: 4096)
        let nativeSkb = SkBuff(capacity: 4096)
        for n in 0..<Self.programCount {
            var generator = ProgramGenerator(random: &random)
            let source = generator.program()
            let program = try Assembler.assemble(source, dialect: .llvm)
            guard let report = try? Verifier.verify(program, type: .schedCls) else { continue }
            accepted += 1
            let executable = try ExecutableProgram(program, mode: .checked, programType: .schedCls, verification: report)
            let interpreter = Interpreter(program: executable, instructionBudget: 10_000_000)
            let native = Interpreter(
                program: try ExecutableProgram(program, mode: .unchecked, programType: .schedCls, verification: report),
                engine: .native)
            try #require(native.isNative, "program \(n) was not compiled\n\(source)")
            for _ in 0..<Self.packetsPerProgram {
                let length = 14 + random.below(120)
                var frame = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                frame[12] = 0x08
                frame[13] = random.below(4) == 0 ? 0x06 : 0x00
                try TestRunFrame.prepare(skb, frame: frame, type: .schedCls, context: TestRunContext())
                try TestRunFrame.prepare(nativeSkb, frame: frame, type: .schedCls, context: TestRunContext())
                let result: RunResult
                do {
                    result = try interpreter.run(context: skb)
                } catch {
                    Issue.record("program \(n) was accepted but trapped on a \(length)-byte packet: \(error)\n\(source)")
                    return
                }
                let nativeResult = try native.run(context: nativeSkb)
                guard nativeResult == result, nativeSkb.byteArray == skb.byteArray,
                      nativeSkb.metadata.pointee.mark == skb.metadata.pointee.mark
                else {
                    Issue.record("program \(n): native code \(nativeResult) differs from the interpreter \(result)\n\(source)")
                    return
                }
            }
        }
        print("soundness: \(accepted) of \(Self.programCount) generated programs accepted, none trapped")
        #expect(accepted > Self.programCount / 10, "the generator should produce a fair share of valid programs")
    }
}

/// Builds random tc programs from snippets people write, each sometimes subtly wrong.
struct ProgramGenerator {
    var random: SplitMix64

    init(random: inout SplitMix64) {
        self.random = SplitMix64(seed: random.next())
    }

    mutating func chance(_ n: Int) -> Bool { random.below(n) == 0 }

    mutating func program() -> String {
        var lines = ["r6 = r1", "r7 = *(u32 *)(r6 + 76)", "r8 = *(u32 *)(r6 + 80)", "r0 = 0"]
        var label = 0
        for _ in 0..<(1 + random.below(5)) {
            label += 1
            lines += block(label)
        }
        lines += ["r0 = 0", "exit"]
        return lines.joined(separator: "\n")
    }

    private mutating func size() -> (String, Int) { random.pick([("u8", 1), ("u16", 2), ("u32", 4), ("u64", 8)]) }

    private mutating func block(_ l: Int) -> [String] {
        switch random.below(7) {
        case 0:
            // A fixed-offset packet read behind a data_end check (sometimes short by a byte or two).
            let checked = 1 + random.below(60)
            let (type, bytes) = size()
            let offset = max(0, checked - bytes + (chance(3) ? random.below(3) : 0) - random.below(4))
            let op = random.pick([">", ">=", "<", "<="])
            let reversed = chance(2)
            let condition = reversed ? "if r8 \(Self.swapped(op)) r2 goto skip\(l)" : "if r2 \(op) r8 goto skip\(l)"
            let safeWhenFalse = op == ">" || op == ">="
            var body = ["r2 = r7", "r2 += \(checked)"]
            if safeWhenFalse {
                body += [condition, "r1 = *(\(type) *)(r7 + \(offset))", "r0 += r1", "skip\(l):"]
            } else {
                body += [condition, "goto end\(l)", "skip\(l):", "r1 = *(\(type) *)(r7 + \(offset))", "r0 += r1", "end\(l):"]
            }
            return body
        case 1:
            // A variable offset into the packet: a masked byte as index, then a check.
            let mask = random.pick([0x0f, 0x3f, 0xff, 0x1ff])
            let extra = random.below(16)
            return ["r2 = r7", "r2 += 14", "if r2 > r8 goto skip\(l)", "r3 = *(u8 *)(r7 + 0)",
                    chance(4) ? "r3 += 0" : "r3 &= \(mask)", "r4 = r7", "r4 += r3", "r5 = r4", "r5 += \(1 + extra)",
                    "if r5 > r8 goto skip\(l)", "r1 = *(u8 *)(r4 + \(extra))", "r0 += r1", "skip\(l):"]
        case 2:
            // Stack: a store then a load, sometimes at different places or sizes.
            let (type, bytes) = size()
            let offset = bytes * (1 + random.below(8))
            let readOffset = chance(3) ? offset + 8 * random.below(2) : offset
            return ["r1 = \(random.below(1000))", "*(\(type) *)(r10 - \(offset)) = r1", "r1 = *(\(type) *)(r10 - \(readOffset))", "r0 += r1"]
        case 3:
            // Context fields: reads (any width) and tc writes.
            let field = random.pick([0, 8, 16, 32, 40, 48, 52, 68])
            if chance(2) { return ["r1 = *(u32 *)(r6 + \(field))", "r0 += r1"] }
            return ["r1 = \(random.below(100))", "*(u32 *)(r6 + \(random.pick([8, 32, 48, 44]))) = r1"]
        case 4:
            // bpf_skb_load_bytes into the stack with a constant or bounded length.
            let length = 1 + random.below(16)
            let bounded = chance(2)
            var body = ["r1 = r6", "r2 = \(random.below(40))", "r3 = r10", "r3 += -16"]
            body += bounded ? ["r4 = *(u32 *)(r6 + 0)", "r4 &= 15", "r4 += 1"] : ["r4 = \(length)"]
            body += ["call 26", "r1 = *(u64 *)(r10 - 16)", "r0 += r1", "r7 = *(u32 *)(r6 + 76)", "r8 = *(u32 *)(r6 + 80)"]
            return body
        case 5:
            // A bounded loop over packet bytes.
            let limit = 1 + random.below(20)
            return ["r9 = 0", "loop\(l):", "r2 = r7", "r2 += r9", "r3 = r2", "r3 += 1", "if r3 > r8 goto done\(l)",
                    "r1 = *(u8 *)(r2 + 0)", "r0 += r1", "r9 += 1", "if r9 < \(limit) goto loop\(l)", "done\(l):"]
        default:
            // A packet write after a helper that changes the packet (pointers must be reloaded).
            let reload = chance(3)
            return ["r2 = r7", "r2 += 20", "if r2 > r8 goto skip\(l)", "r1 = r6", "r2 = 0", "r3 = 0", "r4 = 0", "r5 = 0",
                    "call 10"] + (reload ? ["r7 = *(u32 *)(r6 + 76)", "r8 = *(u32 *)(r6 + 80)", "r2 = r7", "r2 += 20",
                                            "if r2 > r8 goto skip\(l)"] : [])
                + ["r1 = 7", "*(u8 *)(r7 + 15) = r1", "skip\(l):", "r7 = *(u32 *)(r6 + 76)", "r8 = *(u32 *)(r6 + 80)"]
        }
    }

    static func swapped(_ op: String) -> String {
        switch op {
        case ">": "<"
        case ">=": "<="
        case "<": ">"
        default: ">="
        }
    }
}
