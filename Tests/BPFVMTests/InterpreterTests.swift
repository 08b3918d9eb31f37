import BPFISA
import BPFVM
import Testing

/// Interpreter behaviour the vector files cannot express: the exact trap a run ends with,
/// state across runs, and the limits at their edges.
@Suite struct InterpreterTests {
    private func run(_ source: String, memory: [UInt8] = [], helpers: HelperRegistry = HelperRegistry(),
                     mode: ExecutionMode = .checked, budget: Int = Interpreter.defaultInstructionBudget) throws -> Result<RunResult, Trap> {
        let program = try Assembler.assemble(source, dialect: .conformance)
        let interpreter = Interpreter(program: try ExecutableProgram(program, helpers: helpers, mode: mode), instructionBudget: budget)
        var bytes = memory
        return bytes.withUnsafeMutableBytes { buffer in
            do throws(Trap) { return .success(try interpreter.run(memory: buffer)) } catch { return .failure(error) }
        }
    }

    private func trap(_ source: String, memory: [UInt8] = [], budget: Int = Interpreter.defaultInstructionBudget) throws -> Trap {
        guard case .failure(let trap) = try run(source, memory: memory, budget: budget) else {
            Issue.record("expected a trap")
            return Trap(slotIndex: -1, kind: .callDepthExceeded(limit: 0))
        }
        return trap
    }

    @Test func lastByteOfMemoryIsReadableAndOnePastTraps() throws {
        #expect(try run("ldxb %r0, [%r1+3]\nexit", memory: [1, 2, 3, 4]).get().returnValue == 4)
        let t = try trap("mov %r0, 0\nldxb %r0, [%r1+4]\nexit", memory: [1, 2, 3, 4])
        #expect(t.slotIndex == 1)
        guard case .outOfBounds(.read, 1, _, let regions) = t.kind else { Issue.record("\(t)"); return }
        #expect(regions.contains { $0.name == "memory" && $0.byteCount == 4 })
        #expect(t.description.contains("memory: 4 bytes, offset 4"))
    }

    @Test func wordStraddlingTheEndTraps() throws {
        let t = try trap("ldxw %r0, [%r1+2]\nexit", memory: [1, 2, 3, 4])
        guard case .outOfBounds(.read, 4, _, _) = t.kind else { Issue.record("\(t)"); return }
    }

    @Test func negativeOffsetBeforeMemoryTraps() throws {
        let t = try trap("ldxb %r0, [%r1-1]\nexit", memory: [1])
        #expect(t.description.contains("offset -1"))
    }

    @Test func stackBelowTheFrameTraps() throws {
        #expect(try run("stb [%r10-512], 7\nldxb %r0, [%r10-512]\nexit").get().returnValue == 7)
        let t = try trap("stb [%r10-513], 7\nexit")
        guard case .outOfBounds(.write, 1, _, _) = t.kind else { Issue.record("\(t)"); return }
        #expect(t.description.contains("stack frame: 512 bytes, r10-513"))
    }

    @Test func stackAtOrAboveTheFramePointerTraps() throws {
        _ = try trap("stb [%r10], 1\nexit")
        // Through another register the check is at run time.
        _ = try trap("mov %r1, %r10\nldxdw %r0, [%r1-4]\nexit")
    }

    @Test func readWithoutMemoryTraps() throws {
        let t = try trap("ldxb %r0, [%r1]\nexit")
        #expect(t.slotIndex == 0)
    }

    @Test func endlessLoopExhaustsTheBudget() throws {
        let t = try trap("ja -1\nexit", budget: 1000)
        #expect(t.kind == .instructionBudgetExhausted(limit: 1000))
    }

    @Test func callDepthLimitIsEightFrames() throws {
        // Recursion of depth n: frames 0...n; eight frames are allowed, the ninth traps.
        let recurse = { (depth: Int) in
            """
            mov %r1, \(depth)
            call local f
            exit
            f:
            jeq %r1, 0, done
            sub %r1, 1
            call local f
            done:
            mov %r0, 42
            exit
            """
        }
        #expect(try run(recurse(6)).get().returnValue == 42)
        let t = try trap(recurse(7))
        #expect(t.kind == .callDepthExceeded(limit: 8))
    }

    @Test func calleeFrameIsSeparateAndCalleeSavedRegistersSurvive() throws {
        let source = """
            stdw [%r10-8], 11
            mov %r6, 6
            mov %r9, 9
            call local f
            ldxdw %r0, [%r10-8]
            add %r0, %r6
            add %r0, %r9
            exit
            f:
            stdw [%r10-8], 99
            mov %r6, 100
            mov %r9, 100
            exit
            """
        #expect(try run(source).get().returnValue == 26)
    }

    @Test func calleeMayUseTheCallersFrameThroughAPointer() throws {
        let source = """
            stdw [%r10-8], 5
            mov %r1, %r10
            sub %r1, 8
            call local f
            ldxdw %r0, [%r10-8]
            exit
            f:
            ldxdw %r2, [%r1]
            add %r2, 1
            stxdw [%r1], %r2
            exit
            """
        #expect(try run(source).get().returnValue == 6)
    }

    @Test func unknownHelperIsALoadError() throws {
        let program = try Assembler.assemble("call 99\nexit", dialect: .conformance)
        #expect(throws: LoadError.unknownHelper(id: 99, slotIndex: 0)) { try ExecutableProgram(program) }
    }

    @Test func callxToUnknownHelperTraps() throws {
        guard case .failure(let t) = try run("mov %r1, 77\ncall %r1\nexit", helpers: .conformanceTestHelpers) else {
            Issue.record("expected a trap")
            return
        }
        #expect(t.kind == .unknownHelper(id: 77))
    }

    @Test func helperMemoryAccessIsChecked() throws {
        guard case .failure(let t) = try run("mov %r2, 8\ncall 1\nexit", memory: [0, 0, 0, 0], helpers: .conformanceTestHelpers)
        else {
            Issue.record("expected a trap")
            return
        }
        guard case .helperFailed(name: "memfrob", _) = t.kind else { Issue.record("\(t)"); return }
    }

    @Test func packetLoadOutsideThePacketEndsWithZero() throws {
        #expect(try run("mov %r0, 9\nldabsw 0\nexit", memory: [1, 2, 3, 4]).get().returnValue == 0x0102_0304)
        #expect(try run("mov %r0, 9\nldabsw 1\nmov %r0, 5\nexit", memory: [1, 2, 3, 4]).get().returnValue == 0)
    }

    @Test func countsExecutedInstructions() throws {
        let result = try run("mov %r0, 0\nmov %r1, 3\nadd %r0, 1\nsub %r1, 1\njne %r1, 0, -3\nexit").get()
        #expect(result.returnValue == 3)
        #expect(result.instructionsExecuted == 2 + 3 * 3 + 1)
    }

    @Test func interpreterIsReusableAcrossRuns() throws {
        let program = try Assembler.assemble("ldxdw %r0, [%r10-8]\nstdw [%r10-8], 7\nexit", dialect: .conformance)
        let interpreter = Interpreter(program: try ExecutableProgram(program))
        var none: [UInt8] = []
        try none.withUnsafeMutableBytes { buffer in
            _ = try interpreter.run(memory: buffer)
            // The stack is not cleared between runs (as in the kernel); registers are.
            #expect(try interpreter.run(memory: buffer).returnValue == 7)
        }
    }

    @Test func uncheckedModeGivesTheSameResults() throws {
        let source = "ldxw %r0, [%r1+0]\nbe32 %r0\nexit"
        #expect(try run(source, memory: [1, 2, 3, 4], mode: .unchecked).get().returnValue == 0x0102_0304)
    }

    @Test func pseudoLoadImmediateNeedsALoader() throws {
        let program = try Assembler.assemble("lddw %r1, map_fd(3)\nmov %r0, 0\nexit", dialect: .conformance)
        #expect(throws: LoadError.self) { try ExecutableProgram(program) }
    }
}
