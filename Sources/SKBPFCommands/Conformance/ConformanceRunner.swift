import BPFISA
import BPFVM

/// Runs conformance vectors in the checked interpreter with the suites' test helpers
/// (ids 0–5 as ubpf's harness defines them; bpf_conformance uses only id 5, the same unwind helper).
public struct ConformanceRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case passed
        case failed(String)
        case skipped(String)
    }

    public init() {}

    /// Runs one parsed vector.
    public func run(_ vector: ConformanceVector) -> Outcome {
        if let reason = vector.skipReason { return .skipped(reason) }
        let expectsError = vector.expectedError != nil
        let program: Program
        switch vector.program {
        case .assembly(let text, let file)?:
            do { program = try Assembler.assemble(text, dialect: .conformance, fileName: file) } catch {
                return expectsError ? .passed : .failed("assembly failed: \(error)")
            }
        case .raw(let bytes)?:
            do { program = try Program(decoding: bytes) } catch {
                return expectsError ? .passed : .failed("decoding failed: \(error)")
            }
        case nil:
            return .failed("no program")
        }
        let executable: ExecutableProgram
        do { executable = try ExecutableProgram(program, helpers: .conformanceTestHelpers) } catch {
            return expectsError ? .passed : .failed("load failed: \(error)")
        }
        var memory = vector.memory
        let outcome: Result<UInt64, Trap> = memory.withUnsafeMutableBytes { buffer in
            do throws(Trap) { return .success(try executable.run(memory: buffer).returnValue) } catch {
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
