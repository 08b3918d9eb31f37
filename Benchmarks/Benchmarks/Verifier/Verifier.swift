// Verification time: every example of Programs/build (run `make programs` first) must verify in
// under 10 ms, and a generated 4,000-instruction packet parser (the kind of straight-line code
// a compiler unrolls: bounds check, byte load, compare, spill — per field) in under a second.
import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import Benchmark
import Foundation

let repository: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }  // …/Benchmarks/Benchmarks/Verifier/Verifier.swift -> repo
    return url
}()

/// Every program of every example object, with its maps as the verifier sees them.
func examples() -> [(name: String, program: Program, maps: [VerifierMap])] {
    let folder = repository.appendingPathComponent("Programs/build")
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
        print("skipping the examples: \(folder.path) not built (make programs)")
        return []
    }
    var list: [(String, Program, [VerifierMap])] = []
    for file in files.sorted() where file.hasSuffix(".o") {
        guard let bytes = try? Data(contentsOf: folder.appendingPathComponent(file)),
              let object = try? LoadedObject.load(bytes: [UInt8](bytes))
        else { continue }
        let maps = object.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }
        for program in object.programs where program.sectionName.hasPrefix("tc") || program.sectionName == "classifier" {
            list.append(("\(file.dropLast(2))/\(program.name)", program.program, maps))
        }
    }
    return list
}

/// A 4,000-instruction tc program: field after field, check `data + n <= data_end`, load the
/// byte, compare it, spill it — 2^k paths that pruning must fold.
func generatedProgram(instructions: Int = 4000) -> Program {
    var random = SystemRandomNumberGenerator()
    var lines = ["r6 = r1", "r7 = *(u32 *)(r6 + 76)", "r8 = *(u32 *)(r6 + 80)"]
    var block = 0
    while lines.count < instructions - 2 {
        block += 1
        let n = Int.random(in: 1...60, using: &random)
        lines += ["r2 = r7", "r2 += \(n)", "if r2 > r8 goto L\(block)", "r3 = *(u8 *)(r7 + \(n - 1))",
                  "if r3 > \(Int.random(in: 0...255, using: &random)) goto L\(block)", "r3 ^= 5",
                  "*(u64 *)(r10 - \(8 * Int.random(in: 1...8, using: &random))) = r3", "L\(block):", "r0 = 0"]
    }
    lines += ["r0 = 0", "exit"]
    return try! Assembler.assemble(lines.joined(separator: "\n"), dialect: .llvm)
}

let benchmarks: @Sendable () -> Void = {
    for example in examples() {
        Benchmark("verify \(example.name)", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(2))) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? Verifier.verify(example.program, type: .schedCls, maps: example.maps))
            }
        }
    }
    let generated = generatedProgram()
    Benchmark("verify generated \(generated.instructions.count)-insn parser",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? Verifier.verify(generated, type: .schedCls))
        }
    }
}
