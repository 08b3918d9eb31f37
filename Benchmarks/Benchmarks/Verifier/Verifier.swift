// The verifier's speed: `Verifier.verify` on every program of every example object in
// Programs/build (run `make programs` first) and on the generated 4,000-instruction program
// (Tests/BPFVerifierTests/Fixtures/large-4000.s). Each iteration is one whole verification.
// Figures to beat: under 10 ms for each example program, under 1 s for the generated one
// (the kernel: payload_scan 46 ms, large-4000 11 ms, its own "verification time").
// Quick figures without the harness: `swift run -c release verify-bench`.
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

struct Workload {
    var name: String
    var program: Program
    var type: ProgramType
    var maps: [VerifierMap]
    var isGPL: Bool
}

/// Every program of every object in Programs/build, and the generated one.
func workloads() -> [Workload] {
    var all: [Workload] = []
    let build = repository.appendingPathComponent("Programs/build")
    let objects = (try? FileManager.default.contentsOfDirectory(atPath: build.path))?.filter { $0.hasSuffix(".o") }.sorted() ?? []
    if objects.isEmpty { print("skipping the example programs: \(build.path) not built (make programs)") }
    for file in objects {
        guard let bytes = try? Data(contentsOf: build.appendingPathComponent(file)),
              let object = try? LoadedObject.load(bytes: [UInt8](bytes), cpuCount: 2)
        else { print("skipping \(file): not loadable"); continue }
        let maps = object.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }
        let gpl = ["GPL", "GPL v2", "Dual BSD/GPL", "Dual MIT/GPL"].contains(object.license)
        for program in object.programs {
            let name = object.programs.count == 1 ? String(file.dropLast(2)) : "\(file.dropLast(2))/\(program.name)"
            let type = program.programType ?? (program.sectionName.hasPrefix("socket") ? .socketFilter : .schedCls)
            all.append(Workload(name: name, program: program.program, type: type, maps: maps, isGPL: gpl))
        }
    }
    let large = repository.appendingPathComponent("Tests/BPFVerifierTests/Fixtures/large-4000.s")
    if let text = try? String(contentsOf: large, encoding: .utf8), let program = try? Assembler.assemble(text, dialect: .llvm) {
        all.append(Workload(name: "generated large-4000", program: program, type: .schedCls, maps: [], isGPL: true))
    } else {
        print("skipping large-4000: \(large.path) not readable")
    }
    return all
}

let benchmarks: @Sendable () -> Void = {
    for workload in workloads() {
        let options = VerifierOptions(isGPLCompatible: workload.isGPL)
        do { _ = try Verifier.verify(workload.program, type: workload.type, maps: workload.maps, options: options) } catch {
            print("skipping \(workload.name): rejected: \(error)")
            continue
        }
        Benchmark("verify \(workload.name)", configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2), maxIterations: 1000)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? Verifier.verify(workload.program, type: workload.type, maps: workload.maps, options: options))
            }
        }
    }
}
