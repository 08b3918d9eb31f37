import BPFABI
import BPFISA
import BPFVerifier
import Foundation
import TestSupport
import Testing

/// The verifier on small hand-written programs: the kernel's verdict and message for each
/// (measured with `kernel_oracle.py verify --raw` where noted).
struct VerifierTests {
    func verify(_ source: String, type: ProgramType = .schedCls, strict: Bool = false) throws -> VerificationError? {
        let program = try Assembler.assemble(source, dialect: .llvm)
        do {
            _ = try Verifier.verify(program, type: type, options: VerifierOptions(strict: strict))
            return nil
        } catch {
            return error
        }
    }

    static let packetPrologue = """
        r2 = *(u32 *)(r1 + 76)
        r3 = *(u32 *)(r1 + 80)
        """

    /// xdp (measured with kernel_oracle.py --type xdp): r1 is struct xdp_md, packet data is
    /// writable, legacy packet loads and callx are refused.
    @Test func xdpRules() throws {
        let write = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 14
            if r4 > r3 goto out
            *(u8 *)(r2 + 13) = 1
            r0 = *(u8 *)(r2 + 12)
            out:
            r0 = 2
            exit
            """
        #expect(try verify(write, type: .xdp) == nil)
        #expect(try verify("r6 = r1\nr0 = *(u8 *)skb[12]\nexit", type: .xdp)?.message
            == "BPF_LD_[ABS|IND] instructions not allowed for this program type")
        #expect(try verify("r0 = *(u16 *)(r1 + 2)\nexit", type: .xdp)?.message == "invalid bpf_context access off=2 size=2")
        #expect(try verify("r0 = *(u32 *)(r1 + 20)\nexit", type: .xdp)?.message == "invalid bpf_context access off=20 size=4")
        #expect(try verify("r2 = 5\ncallx r2\nr0 = 0\nexit", type: .xdp)?.message == "unknown opcode 8d")
        #expect(try verify("r0 = 1\nr0 <<= 32\nexit")?.message == nil)
        #expect(try verify("w0 = 1\nw0 <<= 32\nexit")?.message == "invalid shift 32")
    }

    /// Fixtures/large-4000.s (generate_large.py): 400 blocks of two diamonds each. The kernel
    /// accepts it processing 7,612 instructions; the walk must stay linear here too, which needs
    /// the accumulator and the counter (they decide nothing) not to split states.
    @Test func generatedLargeProgramIsWalkedLinearly() throws {
        let url = SharedFixtures.repositoryRoot.appendingPathComponent("Tests/BPFVerifierTests/Fixtures/large-4000.s")
        let program = try Assembler.assemble(try String(contentsOf: url, encoding: .utf8), dialect: .llvm)
        #expect(program.slotCount == 4015)
        let report = try Verifier.verify(program, type: .schedCls)
        #expect(report.instructionsProcessed < 4 * program.slotCount)
    }

    /// Values spilled to stack slots nothing reads again do not split states: 30 diamonds, each
    /// spilling the byte it read (or not) to one of 8 slots (2^30 paths otherwise; the kernel
    /// skips such slots in stacksafe, having never marked them read).
    @Test func deadStackSlotsDoNotSplitStates() throws {
        var source = Self.packetPrologue + "\nr4 = r2\nr4 += 30\nif r4 > r3 goto out\n"
        for k in 0..<30 {
            source += "r5 = *(u8 *)(r2 + \(k))\nif r5 > \(k * 7 % 256) goto j\(k)\nr5 ^= 5\n*(u64 *)(r10 - \(8 * (1 + k % 8))) = r5\nj\(k):\n"
        }
        source += "r0 = 0\nexit\nout:\nr0 = 0\nexit"
        let report = try Verifier.verify(try Assembler.assemble(source, dialect: .llvm), type: .schedCls)
        #expect(report.instructionsProcessed < 1000)
        // Read back at the end, the slots matter: then the states stay apart.
        let read = source.replacingOccurrences(of: "r0 = 0\nexit\nout:", with: "r0 = *(u64 *)(r10 - 8)\nexit\nout:")
            .replacingOccurrences(of: "\nr4 = r2\n", with: "\nr0 = 0\n*(u64 *)(r10 - 8) = r0\nr4 = r2\n")
        let exact = try Verifier.verify(try Assembler.assemble(read, dialect: .llvm), type: .schedCls)
        #expect(exact.instructionsProcessed > report.instructionsProcessed)
    }

    /// A counter that only goes to the return value does not split states: 30 diamonds, each
    /// adding 1 or not, prune at every join (2^30 paths otherwise).
    @Test func valuesThatDecideNothingDoNotSplitStates() throws {
        var source = Self.packetPrologue + "\nr4 = r2\nr4 += 30\nif r4 > r3 goto out\nr7 = 0\n"
        for k in 0..<30 { source += "r5 = *(u8 *)(r2 + \(k))\nif r5 != 7 goto j\(k)\nr7 += 1\nj\(k):\n" }
        source += "r0 = r7\nexit\nout:\nr0 = 0\nexit"
        let report = try Verifier.verify(try Assembler.assemble(source, dialect: .llvm), type: .schedCls)
        #expect(report.instructionsProcessed < 400)
        // Compared, the counter decides a branch: then its values must stay apart (and do).
        let compared = source.replacingOccurrences(of: "r0 = r7\nexit", with: "if r7 == 3 goto out\nr0 = r7\nexit")
        let exact = try Verifier.verify(try Assembler.assemble(compared, dialect: .llvm), type: .schedCls)
        #expect(exact.instructionsProcessed > report.instructionsProcessed)
    }

    @Test func passAllIsAccepted() throws {
        #expect(try verify("r0 = 0\nexit") == nil)
    }

    @Test func uninitialisedReturnValueIsRejected() throws {
        #expect(try verify("exit")?.message == "R0 !read_ok")
    }

    @Test func readingAnUninitialisedRegisterIsRejected() throws {
        #expect(try verify("r0 = r5\nexit")?.message == "R5 !read_ok")
    }

    @Test func packetReadNeedsARangeCheck() throws {
        let unchecked = Self.packetPrologue + "\nr0 = *(u8 *)(r2 + 14)\nexit"
        let error = try #require(try verify(unchecked))
        #expect(error.message.hasPrefix("invalid access to packet, off=14 size=1, R2(id=0,off=14,r=0)"))
        #expect(error.hint?.contains("data + 15 <= data_end") == true)
        // Measured: `data + 14 < data_end` proves 15 bytes (6.18 counts the strict comparison).
        for (offset, accepted) in [(13, true), (14, true), (15, false)] {
            let checked = Self.packetPrologue + """

                r4 = r2
                r4 += 14
                if r4 < r3 goto ok
                r0 = 0
                exit
                ok:
                r0 = *(u8 *)(r2 + \(offset))
                exit
                """
            #expect((try verify(checked) == nil) == accepted, "offset \(offset)")
        }
    }

    @Test func comparisonWithZeroOffsetStrictGivesNoRange() throws {
        // Measured: `if data < data_end` proves nothing (the kernel's off == 0 && right-open rule).
        let source = Self.packetPrologue + "\nif r2 < r3 goto ok\nr0 = 0\nexit\nok:\nr0 = *(u8 *)(r2 + 0)\nexit"
        #expect(try verify(source)?.message.hasPrefix("invalid access to packet, off=0 size=1") == true)
    }

    @Test func infiniteLoopIsDetected() throws {
        let error = try #require(try verify("r0 = 0\nloop:\nif r0 == 0 goto loop\nexit"))
        #expect(error.message.hasPrefix("infinite loop detected"))
    }

    @Test func boundedLoopIsAccepted() throws {
        #expect(try verify("r0 = 0\nr1 = 0\nloop:\nr0 += r1\nr1 += 1\nif r1 < 100 goto loop\nexit") == nil)
    }

    @Test func uninitialisedStackReadDependsOnStrictness() throws {
        let source = "r0 = *(u64 *)(r10 - 8)\nexit"
        #expect(try verify(source) == nil)
        #expect(try verify(source, strict: true)?.message.hasPrefix("invalid read from stack") == true)
    }

    @Test func returningAPointerIsALeakOnlyWhenStrict() throws {
        #expect(try verify("r0 = r1\nexit") == nil)
        #expect(try verify("r0 = r1\nexit", strict: true)?.message == "R0 leaks addr as return value")
    }

    @Test func contextRulesComeFromTheProgramType() throws {
        #expect(try verify("r2 = 1\n*(u32 *)(r1 + 8) = r2\nr0 = 0\nexit") == nil)
        #expect(try verify("r2 = 1\n*(u32 *)(r1 + 8) = r2\nr0 = 0\nexit", type: .socketFilter)?.message
            == "invalid bpf_context access off=8 size=4")
        #expect(try verify("r1 += 4\nr0 = *(u32 *)(r1 + 0)\nexit")?.message == "dereference of modified ctx ptr R1 off=4 disallowed")
    }

    @Test func helperArgumentsFollowThePrototype() throws {
        // bpf_skb_load_bytes(skb, 0, fp-8, 8): fills stack memory, accepted.
        let load = "r2 = 0\nr3 = r10\nr3 += -8\nr4 = 8\ncall 26\nr0 = *(u64 *)(r10 - 8)\nexit"
        #expect(try verify(load, strict: true) == nil)
        // The length must be bounded.
        let unbounded = "r2 = 0\nr3 = r10\nr3 += -8\nr4 = *(u32 *)(r1 + 0)\ncall 26\nr0 = 0\nexit"
        #expect(try verify(unbounded) != nil)
        // R1-R5 do not survive a call.
        #expect(try verify("call 5\nr0 = r1\nexit")?.message == "R1 !read_ok")
    }

    @Test func helperTheTypeCannotCallIsRefused() throws {
        let source = "r2 = 0\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 0\ncall 9\nr0 = 0\nexit"
        #expect(try verify(source, type: .socketFilter)?.message == "program of this type cannot use helper bpf_skb_store_bytes#9")
    }

    @Test func packetPointersDieWhenAHelperChangesThePacket() throws {
        let source = Self.packetPrologue + """

            r4 = r2
            r4 += 14
            if r4 > r3 goto out
            r6 = r2
            r2 = 0
            r3 = r10
            r3 += -8
            *(u64 *)(r10 - 8) = r2
            r4 = 1
            r5 = 0
            call 9
            r0 = *(u8 *)(r6 + 0)
            exit
            out:
            r0 = 0
            exit
            """
        #expect(try verify(source)?.message == "R6 invalid mem access 'scalar'")
    }

    @Test func shiftsAndDivisionsByConstantsOutOfRangeAreRefused() throws {
        #expect(try verify("r0 = 1\nr0 <<= 64\nexit")?.message == "invalid shift 64")
        #expect(try verify("r0 = 1\nr0 /= 0\nexit")?.message == "div by zero")
        #expect(try verify("r0 = 1\nr1 = 0\nr0 /= r1\nexit") == nil)
    }
}
