// Quick interpreter measurement, no harness: for each program of ../shared/bench, runs it
// repeatedly in checked and unchecked mode and prints one line per (program, mode):
//
//     program ns_per_insn insns ns_per_run
//
// ns_per_insn is the median over `--samples` samples of (wall time / executed instructions),
// each sample at least `--min-ms` milliseconds of back-to-back runs on one reused `Interpreter`
// (the per-run path allocates nothing); ns_per_run is the same median per run. Release build:
//
//     cd Benchmarks && swift run -c release interp-bench [--bench DIR] [--samples N] [--min-ms MS]
//                      [--only TEXT] [--program FILE.asm [--mem FILE]]
//
// `--only pkt_parser` keeps the lines whose label contains the text (`/checked` for one mode);
// `--program` measures one program of the conformance dialect instead of the reference set.
// The target (../shared/bench/README.md): checked at most 3 ns per executed instruction.
import BPFISA
import BPFVM
import Foundation

struct BenchProgram {
    var name: String
    var source: URL
    var input: URL?
    /// r0 the program must return (a wrong result is an error, not a figure).
    var expected: UInt64?
}

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

let benchFolder: URL = option("--bench").map { URL(fileURLWithPath: $0) } ?? {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { url.deleteLastPathComponent() }  // …/Benchmarks/Sources/interp-bench/main.swift -> repo parent
    return url.appendingPathComponent("shared/bench")
}()
let sampleCount = max(option("--samples").flatMap(Int.init) ?? 9, 1)
let minimumNanoseconds = UInt64(max(option("--min-ms").flatMap(Int.init) ?? 200, 1)) * 1_000_000
let only = option("--only")

let programs: [BenchProgram] = if let path = option("--program") {
    [BenchProgram(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                  source: URL(fileURLWithPath: path), input: option("--mem").map { URL(fileURLWithPath: $0) })]
} else {
    [
        BenchProgram(name: "alu_loop", source: benchFolder.appendingPathComponent("alu_loop.asm"),
                     expected: 0x4ab9_6c7f_b6cd_aed6),
        BenchProgram(name: "mem_checksum", source: benchFolder.appendingPathComponent("mem_checksum.asm"),
                     input: benchFolder.appendingPathComponent("buf1500.bin"), expected: 0x1061_8194_0120_6614),
        BenchProgram(name: "pkt_parser/tcp80", source: benchFolder.appendingPathComponent("pkt_parser.asm"),
                     input: benchFolder.appendingPathComponent("pkt_tcp80.bin"), expected: 1),
        BenchProgram(name: "pkt_parser/udp53", source: benchFolder.appendingPathComponent("pkt_parser.asm"),
                     input: benchFolder.appendingPathComponent("pkt_udp53.bin"), expected: 0),
    ]
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Median ns per instruction and per run of `interpreter` on `memory`.
func measure(_ interpreter: Interpreter, _ memory: UnsafeMutableRawBufferPointer) throws -> (Double, Double) {
    // Calibrate the runs per sample so that one sample lasts about --min-ms.
    var runs = 1
    while true {
        let start = now()
        for _ in 0..<runs { _ = try interpreter.run(memory: memory) }
        if now() - start >= minimumNanoseconds / 4 || runs >= 1 << 30 { break }
        runs *= 2
    }
    runs *= 4
    var perInstruction: [Double] = []
    var perRun: [Double] = []
    for _ in 0..<sampleCount {
        var executed = 0
        let start = now()
        for _ in 0..<runs { executed &+= try interpreter.run(memory: memory).instructionsExecuted }
        let elapsed = Double(now() - start)
        perInstruction.append(elapsed / Double(executed))
        perRun.append(elapsed / Double(runs))
    }
    return (perInstruction.sorted()[sampleCount / 2], perRun.sorted()[sampleCount / 2])
}

var failed = false
for mode in [ExecutionMode.checked, .unchecked] {
    for entry in programs {
        let label = "\(entry.name)/\(mode)"
        if let only, !label.contains(only) { continue }
        do {
            let text = try String(contentsOf: entry.source, encoding: .utf8)
            let program = try Assembler.assemble(text, dialect: .conformance)
            let interpreter = Interpreter(program: try ExecutableProgram(program, mode: mode))
            let input = try entry.input.map { try Data(contentsOf: $0) } ?? Data()
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(input.count, 1), alignment: 16)
            defer { storage.deallocate() }
            input.copyBytes(to: storage)
            let memory = UnsafeMutableRawBufferPointer(rebasing: storage[0..<input.count])

            let first = try interpreter.run(memory: memory)
            if let expected = entry.expected, first.returnValue != expected {
                print("\(label) wrong result 0x\(String(first.returnValue, radix: 16))")
                failed = true
                continue
            }
            let (nsPerInstruction, nsPerRun) = try measure(interpreter, memory)
            print("\(label) \(String(format: "%.3f", nsPerInstruction)) \(first.instructionsExecuted) "
                  + String(format: "%.1f", nsPerRun))
        } catch {
            print("\(label) error: \(error)")
            failed = true
        }
    }
}
if failed { exit(1) }
