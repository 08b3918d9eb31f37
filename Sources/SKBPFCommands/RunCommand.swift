import ArgumentParser
import BPFISA
import BPFVM
import Foundation

/// `skbpf run PROG [--mem FILE|--mem-hex HEX] [--repeat N] [--json]`: run a program on a memory block
/// (r1 = its address, r2 = its length) and print r0.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a program on a block of memory (r1 = address, r2 = length) and print r0.")

    @Argument(help: "Program file: ELF object, raw bytecode or assembly.")
    var program: String

    @Option(help: "File whose bytes are the memory block.")
    var mem: String?

    @Option(name: .customLong("mem-hex"), help: "The memory block as hex bytes, e.g. 'aa bb 11' or 'aabb11'.")
    var memHex: String?

    @Option(help: "Run this many times; ns_per_run is the median.")
    var `repeat`: Int = 1

    @Flag(help: "Print one JSON object: retval, instructions_executed, ns_per_run.")
    var json = false

    @Option(help: "ELF section or function name of the program to run.")
    var section: String?

    @Flag(name: .customLong("no-verify"),
          help: "Run without a verifier's proof (raw-memory runs always are): checked unless --unchecked.")
    var noVerify = false

    @Flag(help: "With --no-verify: trust every memory access (no checks, no instruction budget), like a JIT. Nothing protects the process from a wrong program.")
    var unchecked = false

    @Flag(name: .customLong("test-helpers"),
          help: "Provide the conformance suites' test helpers (ubpf's ids 0-5) instead of none.")
    var testHelpers = false

    @Flag(help: "With --unchecked: run in the interpreter's op loop instead of as x86-64 machine code.")
    var interpreter = false

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard mem == nil || memHex == nil else { throw ValidationError("give --mem or --mem-hex, not both") }
        guard !unchecked || noVerify else {
            throw ValidationError("--unchecked runs a program with no memory checks at all: it needs --no-verify to say so explicitly (nothing protects the process from a wrong program)")
        }
    }

    func run() throws {
        let entry = try ProgramFile(path: program).select(section: section)
        var memory = try memoryBlock()
        let executable: ExecutableProgram
        do {
            executable = try ExecutableProgram(entry.program, helpers: testHelpers ? .conformanceTestHelpers : HelperRegistry(),
                                               mode: unchecked ? .unchecked : .checked)
        } catch {
            var hint = ""
            if case .invalidMapReference = error { hint = " (run programs that use maps with skbpf test-run)" }
            throw CommandFailure.rejected("\(program): \(error)\(hint)")
        }
        let interpreter = Interpreter(program: executable, engine: self.interpreter ? .interpreter : .native)
        let measurement = try memory.withUnsafeMutableBytes { buffer throws(CommandFailure) in
            do throws(Trap) {
                return try RunTimer.measure(repeat: `repeat`) { () throws(Trap) in try interpreter.run(memory: buffer) }
            } catch {
                throw CommandFailure.rejected("\(program): \(error)")
            }
        }
        let result = measurement.lastResult
        if json {
            print("{\"retval\":\(result.returnValue),\"instructions_executed\":\(result.instructionsExecuted),"
                  + "\"ns_per_run\":\(String(format: "%.2f", measurement.nanosecondsPerRun))}")
        } else {
            print("retval 0x\(String(result.returnValue, radix: 16)) (\(Int64(bitPattern: result.returnValue)))")
            print("instructions_executed \(result.instructionsExecuted)")
            if `repeat` > 1 { print(String(format: "ns_per_run %.2f", measurement.nanosecondsPerRun)) }
        }
    }

    private func memoryBlock() throws(CommandFailure) -> [UInt8] {
        if let mem { return try ProgramFile.readBytes(mem) }
        if let memHex {
            do { return try ConformanceVector.hexBytes(memHex, path: "--mem-hex", line: 0) } catch {
                throw .usage("--mem-hex: \(error.message)")
            }
        }
        return []
    }
}
