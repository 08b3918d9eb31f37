public import BPFABI
import BPFISA
import BPFVerifier
import BPFVM

/// Runs conformance vectors with the suites' test helpers (ids 0–5 as ubpf's harness defines
/// them; bpf_conformance uses only id 5, the same unwind helper): raw in the checked interpreter,
/// or verified first as a Linux loader would.
public struct ConformanceRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case passed
        case failed(String)
        case skipped(String)
        /// Verified mode: the verifier refused the program (the kernel's message).
        case rejected(String)
    }

    /// How a vector's program is loaded before it runs.
    public enum Loading: Sendable, Equatable {
        /// As ubpf's and bpf_conformance's own harnesses: no verifier, every access checked
        /// (r1 = the memory, r2 = its length).
        case raw
        /// As bpf_conformance's Linux plugin: the verifier first, with the program type's context
        /// in r1 (the plugin loads `BPF_PROG_TYPE_XDP`); an accepted program then runs unchecked on
        /// the memory, which is padded to the context's size so that every access the verifier
        /// allowed through r1 stays inside it.
        case verified(ProgramType)
    }

    public let loading: Loading

    /// Enough for every vector of the suites (the largest executes about a million instructions),
    /// small enough that an endless loop fails in well under a second.
    static let instructionBudget = 100_000_000

    public init(loading: Loading = .raw) {
        self.loading = loading
    }

    /// Runs a vector that passes in the checked interpreter once more as x86-64 machine code
    /// (unchecked, as verified programs run): the native code must return the same value and
    /// count the same instructions. Vectors that expect an error are not run natively (nothing
    /// would stop a wrong access); they pass when they pass checked.
    public func runNatively(_ vector: ConformanceVector) -> Outcome {
        let checked = run(vector)
        guard checked == .passed else { return .skipped("does not pass in the checked interpreter") }
        guard vector.expectedError == nil, let expected = vector.expectedResult,
              let program = try? Self.program(of: vector)
        else { return checked }
        guard let checkedProgram = try? ExecutableProgram(program, helpers: .conformanceTestHelpers),
              let unchecked = try? ExecutableProgram(program, helpers: .conformanceTestHelpers, mode: .unchecked)
        else { return .failed("translation failed") }
        let native = Interpreter(program: unchecked, engine: .native)
        guard native.isNative else { return .skipped("the native compiler declines this program") }
        let reference = Interpreter(program: checkedProgram, instructionBudget: Self.instructionBudget)
        var memory = vector.memory
        var referenceMemory = vector.memory
        let count: Result<Int, Trap> = referenceMemory.withUnsafeMutableBytes { buffer in
            do throws(Trap) { return .success(try reference.run(memory: buffer).instructionsExecuted) } catch { return .failure(error) }
        }
        let outcome: Result<RunResult, Trap> = memory.withUnsafeMutableBytes { buffer in
            do throws(Trap) { return .success(try native.run(memory: buffer)) } catch { return .failure(error) }
        }
        switch outcome {
        case .failure(let trap): return .failed("native run failed: \(trap)")
        case .success(let result):
            if result.returnValue != expected { return .failed("native code returned \(hex(result.returnValue)), expected \(hex(expected))") }
            if case .success(let executed) = count, executed != result.instructionsExecuted {
                return .failed("native code counted \(result.instructionsExecuted) instructions, the interpreter \(executed)")
            }
            if memory != referenceMemory { return .failed("native code left different memory") }
            return .passed
        }
    }

    private static func program(of vector: ConformanceVector) throws -> Program? {
        if let (text, file) = vector.assembly { return try Assembler.assemble(text, dialect: .conformance, fileName: file) }
        if let raw = vector.raw { return try Program(decoding: raw) }
        return nil
    }

    /// Runs one parsed vector.
    public func run(_ vector: ConformanceVector) -> Outcome {
        if let reason = vector.skipReason { return .skipped(reason) }
        let expectsError = vector.expectedError != nil
        let expectsRun = expectsError || vector.expectedResult != nil
        var program: Program?
        if let (text, file) = vector.assembly {
            // Encoding-only vectors (asm + raw) may jump outside their program on purpose.
            do { program = try Assembler.assemble(text, dialect: .conformance, fileName: file, validating: expectsRun) } catch {
                return expectsError ? .passed : .failed("assembly failed: \(error)")
            }
        }
        if let raw = vector.raw {
            if let assembled = program?.encoded(), assembled != raw {
                return .failed("assembled bytes differ from -- raw: \(hexBytes(assembled)) vs \(hexBytes(raw))")
            }
            if program == nil {
                do { program = try Program(decoding: raw) } catch {
                    return expectsError ? .passed : .failed("decoding failed: \(error)")
                }
            }
        }
        guard expectsRun else { return .passed }
        guard let program else { return .failed("no program") }
        var memory = vector.memory
        var report: VerificationReport?
        if case .verified(let type) = loading {
            do { report = try Verifier.verify(program, type: type) } catch {
                return .rejected(String(error.message.split(separator: "\n").first ?? ""))
            }
            let contextSize = type.hasSkBuffContext ? SkBuffContext.byteCount : XDPContext.byteCount
            if memory.count < contextSize { memory += [UInt8](repeating: 0, count: contextSize - memory.count) }
        }
        let executable: ExecutableProgram
        do {
            executable = try ExecutableProgram(program, helpers: .conformanceTestHelpers,
                                               mode: report == nil ? .checked : .unchecked, verification: report)
        } catch {
            return expectsError ? .passed : .failed("load failed: \(error)")
        }
        let interpreter = Interpreter(program: executable, instructionBudget: Self.instructionBudget)
        let outcome: Result<UInt64, Trap> = memory.withUnsafeMutableBytes { buffer in
            do throws(Trap) { return .success(try interpreter.run(memory: buffer).returnValue) } catch {
                return .failure(error)
            }
        }
        switch (outcome, vector.expectedError) {
        case (.failure, _?): return .passed
        case (.failure(let trap), nil): return .failed("run failed: \(trap)")
        case (.success(let value), let expected?):
            return .failed("expected an error (\(expected)), but the program returned \(hex(value))")
        case (.success(let value), nil):
            guard let expected = vector.expectedResult else { return .failed("no expected result") }
            return value == expected ? .passed : .failed("returned \(hex(value)), expected \(hex(expected))")
        }
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

private func hexBytes(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}
