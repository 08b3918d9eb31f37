import BPFISA
import BPFVM
import BPFVerifier

/// Runs conformance vectors in the checked interpreter with the suites' test helpers
/// (ids 0–5 as ubpf's harness defines them; bpf_conformance uses only id 5, the same unwind helper).
public struct ConformanceRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case passed
        case failed(String)
        case skipped(String)
    }

    /// Enough for every vector of the suites (the largest executes about a million instructions),
    /// small enough that an endless loop fails in well under a second.
    static let instructionBudget = 100_000_000

    public init() {}

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

    /// What verified mode made of a vector: the verifier's verdict, and for an accepted program
    /// how its run went.
    public struct VerifiedOutcome: Sendable, Equatable {
        /// nil when accepted, else the verifier's message (first line).
        public var rejection: String?
        public var run: Outcome
    }

    /// Verified mode: the vector's program goes through the verifier first (as a raw-memory
    /// program: r1 = its memory block, r2 = the block's length), as a kernel loader would. An
    /// accepted program runs checked and then as native code, and must give the expected result;
    /// one that expects a run-time error must have been rejected. nil for vectors with no run.
    public func runVerified(_ vector: ConformanceVector) -> VerifiedOutcome? {
        guard vector.skipReason == nil, vector.expectedResult != nil || vector.expectedError != nil,
              let program = try? Self.program(of: vector), (try? program.validate()) != nil
        else { return nil }
        let report: VerificationReport
        do {
            report = try Verifier.verify(program, memorySize: vector.memory.count)
        } catch {
            let first = error.message.split(separator: "\n").first.map(String.init) ?? error.message
            return VerifiedOutcome(rejection: first, run: .passed)
        }
        guard let expected = vector.expectedResult else {
            return VerifiedOutcome(rejection: nil, run: .failed("accepted, but the vector expects an error: \(vector.expectedError ?? "")"))
        }
        let checked: ExecutableProgram, unchecked: ExecutableProgram
        do {
            checked = try ExecutableProgram(program, helpers: .conformanceTestHelpers, verification: report)
            unchecked = try ExecutableProgram(program, helpers: .conformanceTestHelpers, mode: .unchecked, verification: report)
        } catch {
            return VerifiedOutcome(rejection: nil, run: .failed("translation failed: \(error)"))
        }
        for (executable, engine) in [(checked, Interpreter.Engine.interpreter), (unchecked, .native)] {
            // The native run only follows a checked run that did not trap.
            var memory = vector.memory
            let interpreter = Interpreter(program: executable, instructionBudget: Self.instructionBudget, engine: engine)
            let outcome: Result<UInt64, Trap> = memory.withUnsafeMutableBytes { buffer in
                do throws(Trap) { return .success(try interpreter.run(memory: buffer).returnValue) } catch { return .failure(error) }
            }
            switch outcome {
            case .failure(let trap):
                return VerifiedOutcome(rejection: nil, run: .failed("accepted, but the run trapped: \(trap)"))
            case .success(let value) where value != expected:
                return VerifiedOutcome(rejection: nil, run: .failed("returned \(hex(value)), expected \(hex(expected)) (\(engine))"))
            case .success: continue
            }
        }
        return VerifiedOutcome(rejection: nil, run: .passed)
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
        let executable: ExecutableProgram
        do { executable = try ExecutableProgram(program, helpers: .conformanceTestHelpers) } catch {
            return expectsError ? .passed : .failed("load failed: \(error)")
        }
        var memory = vector.memory
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
