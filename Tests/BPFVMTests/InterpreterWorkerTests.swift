import BPFABI
import BPFISA
import BPFVM
import Foundation
import Testing

/// One interpreter per datapath worker (`Interpreter.forWorker`): same program and maps, the
/// worker's index as the CPU, run state of its own.
@Suite struct InterpreterWorkerTests {
    typealias F = LinuxHelperFixture

    @Test func aWorkerSeesItsIndexAsTheCPU() throws {
        let maps = try F.maps(F.definition(.percpuArray, entries: 1), cpuCount: 2)
        let base = try F.interpreter("call 8\nexit", maps: maps)
        let worker = base.forWorker(1)
        #expect(try worker.run(context: F.packet()).returnValue == 1)
        #expect(try base.run(context: F.packet()).returnValue == 0)
        #expect(worker.environment !== base.environment)
        #expect(worker.environment.maps === base.environment.maps)
    }

    /// Each worker's lookup of a per-CPU array returns its own copy of the shared map.
    @Test func aWorkerReadsItsOwnPerCPUCopy() throws {
        let maps = try F.maps(F.definition(.percpuArray, entries: 1), cpuCount: 2)
        try maps[0].update(key: [0, 0, 0, 0], value: [10, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0])
        let source = """
            *(u32 *)(r10 - 4) = 0
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -4
            call 1
            if r0 == 0 goto out
            r0 = *(u64 *)(r0 + 0)
            out:
            exit
            """
        let base = try F.interpreter(source, maps: maps)
        #expect(try base.run(context: F.packet()).returnValue == 10)
        #expect(try base.forWorker(1).run(context: F.packet()).returnValue == 11)
    }

    /// A program without maps (a classic filter, an expression) may have more workers than its
    /// empty map set has CPUs: the worker's environment widens it.
    @Test func aProgramWithoutMapsTakesAnyWorkerIndex() throws {
        let base = Interpreter(program: try F.program("call 8\nexit"))
        #expect(try base.forWorker(3).run(context: F.packet()).returnValue == 3)
    }

    /// Tail-call targets keep their ids, so a prog array slot names the same program on every
    /// worker: the worker's tail call lands in the target, which returns its CPU + 7.
    @Test func aWorkersTailCallReachesTheSameTarget() throws {
        let maps = try F.maps(F.definition(.progArray, value: 4, entries: 2), cpuCount: 2)
        let environment = HelperEnvironment(maps: maps)
        let id = try environment.registerTailCallTarget(try F.program("call 8\nr0 += 7\nexit", maps: maps))
        let table = try #require(maps[0] as? ProgramArrayMap)
        #expect(table.setProgram(id, at: 1))
        let entry = """
            r2 = map_fd(0) ll
            r3 = 1
            call 12
            r0 = 99
            exit
            """
        let base = Interpreter(program: try F.program(entry, maps: maps), environment: environment)
        #expect(try base.run(context: F.packet()).returnValue == 7)
        #expect(try base.forWorker(1).run(context: F.packet()).returnValue == 8)
    }

    /// Lets the test hand an interpreter to a thread.
    struct Shared: @unchecked Sendable { let interpreter: Interpreter }

    /// Two workers bump one array value with `lock add` and `atomic_fetch_add` (and flip a word
    /// with `atomic_fetch_xor`, which native code hands to the interpreter): in both engines no
    /// update is lost, as with the kernel's locked instructions.
    @Test(arguments: [Interpreter.Engine.interpreter, .native])
    func atomicsOfTwoWorkersLoseNoUpdate(engine: Interpreter.Engine) throws {
        let maps = try F.maps(F.definition(.array, value: 24, entries: 1), cpuCount: 2)
        maps.share(amongWorkers: 2)
        let source = """
            *(u32 *)(r10 - 4) = 0
            r1 = map_fd(0) ll
            r2 = r10
            r2 += -4
            call 1
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            r1 = 1
            r1 = atomic_fetch_add((u64 *)(r0 + 8), r1)
            r1 = 1
            r1 = atomic_fetch_xor((u64 *)(r0 + 16), r1)
            out:
            r0 = 0
            exit
            """
        let program = try ExecutableProgram(Assembler.assemble(source, dialect: .llvm), mode: engine == .native ? .unchecked : .checked,
                                            programType: .schedCls, maps: maps)
        let base = Interpreter(program: program, environment: HelperEnvironment(maps: maps), engine: engine)
        #expect(base.isNative == (engine == .native))
        let rounds = 100_000
        let done = DispatchGroup()
        for worker in 0..<2 {
            let shared = Shared(interpreter: base.forWorker(worker))
            done.enter()
            Thread {
                let skb = try! F.packet()
                for _ in 0..<rounds { _ = try! shared.interpreter.run(context: skb) }
                done.leave()
            }.start()
        }
        done.wait()
        let value = try #require(try maps[0].lookup(key: [0, 0, 0, 0]))
        let words = (0..<3).map { i in value[(8 * i)..<(8 * i + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(words == [UInt64(2 * rounds), UInt64(2 * rounds), 0])
    }
}
