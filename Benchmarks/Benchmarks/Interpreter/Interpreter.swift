// The interpreter on the reference programs of ../shared/bench (ALU loop, memory checksum,
// packet parser), checked and unchecked. Each benchmark iteration is one run; the custom
// metric `ns/insn` divides the run's wall time by the instructions it executed.
// Figures to beat (../shared/bench/README.md): the checked interpreter at most 3 ns per
// executed instruction; unchecked at most 1.5.
import BPFISA
import BPFVM
import Benchmark
import Foundation

let benchFolder: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { url.deleteLastPathComponent() }  // …/Benchmarks/Benchmarks/Interpreter/Interpreter.swift -> repo parent
    return url.appendingPathComponent("shared/bench")
}()

struct BenchProgram {
    var name: String
    var source: String
    var input: String?
}

let programs = [
    BenchProgram(name: "alu_loop", source: "alu_loop.asm", input: nil),
    BenchProgram(name: "mem_checksum", source: "mem_checksum.asm", input: "buf1500.bin"),
    BenchProgram(name: "pkt_parser/tcp80", source: "pkt_parser.asm", input: "pkt_tcp80.bin"),
    BenchProgram(name: "pkt_parser/udp53", source: "pkt_parser.asm", input: "pkt_udp53.bin"),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                           maxDuration: .seconds(3), maxIterations: 1_000_000)
    guard FileManager.default.fileExists(atPath: benchFolder.path) else {
        print("skipping interpreter benchmarks: \(benchFolder.path) not found")
        return
    }
    for mode in [ExecutionMode.checked, .unchecked] {
        for entry in programs {
            guard let text = try? String(contentsOf: benchFolder.appendingPathComponent(entry.source), encoding: .utf8),
                  let program = try? Assembler.assemble(text, dialect: .conformance),
                  let executable = try? ExecutableProgram(program, mode: mode)
            else {
                print("skipping \(entry.name): cannot load \(entry.source)")
                continue
            }
            let input = entry.input.flatMap { try? Data(contentsOf: benchFolder.appendingPathComponent($0)) }
            let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(input?.count ?? 0, 1), alignment: 16)
            if let input { input.copyBytes(to: memory) }
            let buffer = UnsafeMutableRawBufferPointer(rebasing: memory[0..<(input?.count ?? 0)])
            let interpreter = Interpreter(program: executable)
            let executed = (try? interpreter.run(memory: buffer).instructionsExecuted) ?? 1
            let scale = executed > 1_000_000 ? 1 : 1_000_000 / executed
            Benchmark("\(entry.name) \(mode)", configuration: .init(
                metrics: [.wallClock, .mallocCountTotal, .custom("ns/insn", polarity: .prefersSmaller)],
                scalingFactor: .one, maxDuration: .seconds(3), maxIterations: executed > 1_000_000 ? 20 : 200)
            ) { benchmark in
                var total = 0
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<scale {
                    total += (try? interpreter.run(memory: buffer).instructionsExecuted) ?? 0
                }
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                benchmark.measurement(.custom("ns/insn", polarity: .prefersSmaller), Int(Double(elapsed) * 1000 / Double(total)))
            }
        }
    }
}
