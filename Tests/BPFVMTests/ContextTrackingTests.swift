import BPFABI
import BPFISA
import BPFVM
import PacketBuffer
import Foundation
import Testing

/// The load-time context tracking: which accesses are context accesses, and the refusals with
/// the kernel's words.
@Suite struct ContextTrackingTests {
    private func message(_ source: String, type: ProgramType = .schedCls) throws -> String? {
        try ContextFixture.loadError(source, type: type)?.description
    }

    @Test func writeToLenIsRefused() throws {
        #expect(try message("r2 = 1\n*(u32 *)(r1 + 0) = r2\nr0 = 0\nexit") == "slot 1: invalid bpf_context access off=0 size=4")
    }

    @Test func twoByteReadOfDataIsRefused() throws {
        #expect(try message("r2 = *(u16 *)(r1 + 76)\nr0 = 0\nexit") == "slot 0: invalid bpf_context access off=76 size=2")
    }

    @Test func socketFilterCannotReadData() throws {
        #expect(try message("r2 = *(u32 *)(r1 + 76)\nr0 = 0\nexit", type: .socketFilter)
            == "slot 0: invalid bpf_context access off=76 size=4")
        #expect(try message("r2 = *(u32 *)(r1 + 76)\nr0 = 0\nexit") == nil)
    }

    @Test func tcCannotReadFamily() throws {
        #expect(try message("r0 = *(u32 *)(r1 + 88)\nexit") == "slot 0: invalid bpf_context access off=88 size=4")
    }

    @Test func refusalCarriesTheRule() throws {
        let error = try ContextFixture.loadError("r0 = 0\n*(u32 *)(r1 + 4) = r0\nexit")
        guard case .contextAccess(let access, slotIndex: 1)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(access.explanation == "sched_cls programs cannot write pkt_type")
    }

    @Test func contextSpilledAndFilledIsStillTheContext() throws {
        let source = """
            *(u64 *)(r10 - 8) = r1
            r1 = 0
            r6 = *(u64 *)(r10 - 8)
            r0 = *(u32 *)(r6 + 8)
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer()) == 0x1122_3344)
        let refused = source.replacingOccurrences(of: "(r6 + 8)", with: "(r6 + 2)")
        #expect(try message(refused) == "slot 3: invalid bpf_context access off=2 size=4")
    }

    @Test func spillThroughACopyOfTheFramePointer() throws {
        let source = """
            r2 = r10
            r2 += -16
            *(u64 *)(r2 + 0) = r1
            r7 = *(u64 *)(r10 - 16)
            r0 = *(u32 *)(r7 + 32)
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer()) == 0x5566_7788)
    }

    @Test func overwrittenSpillSlotIsNoLongerTheContext() throws {
        // The fill reads a scalar: the load is a plain memory load (here of the stack), not a context read.
        let source = """
            *(u64 *)(r10 - 8) = r1
            *(u32 *)(r10 - 8) = 0
            r6 = *(u64 *)(r10 - 8)
            r6 = r10
            r0 = *(u32 *)(r6 - 8)
            exit
            """
        #expect(try message(source) == nil)
    }

    @Test func contextOnSomePathsOnlyIsRefused() throws {
        let source = """
            r6 = r1
            r2 = *(u32 *)(r1 + 0)
            if r2 > 10 goto out
            r6 = r10
            r6 += -16
            out:
            r0 = *(u32 *)(r6 + 8)
            exit
            """
        #expect(try message(source) == "slot 5: register r6 is the context pointer on some paths only")
    }

    @Test func contextOnEveryPathOfALoopIsAccepted() throws {
        let source = """
            r6 = r1
            r0 = 0
            r2 = 3
            loop:
            r3 = *(u32 *)(r6 + 48)
            r0 += r3
            r2 += -1
            if r2 != 0 goto loop
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer()) == 3)
    }

    @Test func modifiedContextDereferenceIsRefused() throws {
        #expect(try message("r1 += 8\nr0 = *(u32 *)(r1 + 0)\nexit") == "slot 1: dereference of modified ctx ptr R1 off=8 disallowed")
    }

    @Test func atomicOnContextIsRefused() throws {
        #expect(try message("r2 = 1\nlock *(u32 *)(r1 + 8) += w2\nr0 = 0\nexit")
            == "slot 1: BPF_ATOMIC stores into R1 ctx is not allowed")
    }

    @Test func helperCallClobbersTheArgumentRegistersButNotR6() throws {
        var helpers = HelperRegistry()
        helpers[5] = HelperFunction(name: "ktime_get_ns") { _ in .value(42) }
        let kept = "r6 = r1\ncall 5\nr0 = *(u32 *)(r6 + 8)\nexit"
        #expect(try ContextFixture.run(kept, on: ContextFixture.filledBuffer(), helpers: helpers) == 0x1122_3344)
        // After the call r1 is no longer the context: the load at offset 2 is a plain (unchecked here) load.
        let program = try ContextFixture.program("call 5\nr0 = *(u32 *)(r1 + 2)\nexit", helpers: helpers)
        #expect(program.operationCount == 3)
    }

    @Test func contextPassedToALocalFunction() throws {
        let source = """
            r6 = r1
            r1 = r6
            call get_priority
            exit
            get_priority:
            r0 = *(u32 *)(r1 + 32)
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer()) == 0x5566_7788)
        let refused = source.replacingOccurrences(of: "(r1 + 32)", with: "(r1 + 33)")
        #expect(try message(refused) == "slot 4: invalid bpf_context access off=33 size=4")
    }

    @Test func legacyPacketLoadNeedsTheContextInR6() throws {
        #expect(try message("r0 = *(u8 *)skb[23]\nexit") == "slot 0: at the time of BPF_LD_ABS|IND R6 != pointer to skb")
        #expect(try ContextFixture.run("r6 = r1\nr0 = *(u8 *)skb[23]\nexit", on: ContextFixture.filledBuffer()) == 1)
    }

    @Test func rawProgramsAreNotTracked() throws {
        let program = try ExecutableProgram(Assembler.assemble("r0 = *(u16 *)(r1 + 76)\nexit", dialect: .llvm))
        #expect(program.programType == nil)
    }
}

/// `data`, `data_end` and `data_meta`: real addresses into the buffer, checked in checked mode.
@Suite struct ContextPacketPointerTests {
    @Test(arguments: [ExecutionMode.checked, .unchecked])
    func dataEndMinusDataIsTheLength(mode: ExecutionMode) throws {
        let source = """
            r2 = *(u32 *)(r1 + 76)
            r3 = *(u32 *)(r1 + 80)
            r0 = r3
            r0 -= r2
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(), mode: mode) == 60)
    }

    @Test func dataMetaIsMetaLengthBeforeData() throws {
        let source = """
            r2 = *(u32 *)(r1 + 76)
            r3 = *(u32 *)(r1 + 140)
            r0 = r2
            r0 -= r3
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(metaLength: 8)) == 8)
    }

    @Test func dataPointsAtTheBuffersBytes() throws {
        let skb = ContextFixture.filledBuffer()
        let source = "r0 = *(u32 *)(r1 + 76)\nexit"
        #expect(try ContextFixture.run(source, on: skb) == UInt64(UInt(bitPattern: skb.data)))
    }

    @Test(arguments: [ExecutionMode.checked, .unchecked])
    func parsesTheEtherTypeThroughData(mode: ExecutionMode) throws {
        let source = """
            r0 = 0
            w2 = *(u32 *)(r1 + 76)
            w3 = *(u32 *)(r1 + 80)
            r4 = r2
            r4 += 34
            if r4 > r3 goto out
            w4 = *(u16 *)(r2 + 12)
            if w4 != 0x8 goto out
            w4 = *(u8 *)(r2 + 23)
            if w4 != 1 goto out
            r0 = 2
            out:
            exit
            """
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(), mode: mode) == 2)
        var udp = ContextFixture.icmpFrame
        udp[23] = 17
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(frame: udp), mode: mode) == 0)
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(frame: Array(udp[0..<20])), mode: mode) == 0)
    }

    @Test func tcWritesPacketAndMetaBytes() throws {
        let skb = ContextFixture.filledBuffer(metaLength: 4)
        let source = """
            r2 = *(u32 *)(r1 + 140)
            *(u32 *)(r2 + 0) = 0x01020304
            r3 = *(u32 *)(r1 + 76)
            *(u8 *)(r3 + 0) = 0xee
            r0 = 0
            exit
            """
        #expect(try ContextFixture.run(source, on: skb) == 0)
        #expect(skb.data.load(as: UInt8.self) == 0xee)
        #expect((skb.data - 4).loadUnaligned(as: UInt32.self) == 0x0102_0304)
    }

    @Test func readPastDataEndTraps() throws {
        let source = "r2 = *(u32 *)(r1 + 76)\nr0 = *(u8 *)(r2 + 60)\nexit"
        #expect(throws: Trap.self) { try ContextFixture.run(source, on: ContextFixture.filledBuffer()) }
    }

    @Test func plainLoadThroughTheContextBlockAddressTraps() throws {
        // r1's value is the 192-byte block, not a region: only resolved context accesses reach the fields.
        let source = "r2 = r1\nr3 = 0\nr2 += r3\nr0 = *(u32 *)(r2 + 8)\nexit"
        #expect(try ContextFixture.loadError(source) != nil)
    }

    @Test func socketFilterPacketIsReadOnlyForLegacyLoads() throws {
        let source = "r6 = r1\nr0 = *(u16 *)skb[12]\nexit"
        #expect(try ContextFixture.run(source, on: ContextFixture.filledBuffer(), type: .socketFilter) == 0x0800)
    }
}
