// Quick verifier measurement, no harness: `Verifier.verify` on every program of Programs/build
// (`make programs` first) and on Tests/BPFVerifierTests/Fixtures/large-4000.s, one line each:
//
//     program insns processed states ms_median ms_min
//
// over `--runs N` verifications (default 20). Release build, from Benchmarks/:
//
//     swift run -c release verify-bench [--runs N] [--only TEXT]
import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import Foundation

let repository: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }  // …/Benchmarks/Sources/verify-bench/main.swift -> repo
    return url
}()

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

let runs = option("--runs").flatMap(Int.init) ?? 20
let only = option("--only")

var workloads: [(String, Program, ProgramType, [VerifierMap], Bool)] = []
let build = repository.appendingPathComponent("Programs/build")
for file in ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).filter({ $0.hasSuffix(".o") }).sorted() {
    guard let bytes = try? Data(contentsOf: build.appendingPathComponent(file)),
          let object = try? LoadedObject.load(bytes: [UInt8](bytes), cpuCount: 2) else { continue }
    let maps = object.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }
    let gpl = ["GPL", "GPL v2", "Dual BSD/GPL", "Dual MIT/GPL"].contains(object.license)
    for program in object.programs {
        let name = object.programs.count == 1 ? String(file.dropLast(2)) : "\(file.dropLast(2))/\(program.name)"
        let type = program.programType ?? (program.sectionName.hasPrefix("socket") ? .socketFilter : .schedCls)
        workloads.append((name, program.program, type, maps, gpl))
    }
}
let large = repository.appendingPathComponent("Tests/BPFVerifierTests/Fixtures/large-4000.s")
if let text = try? String(contentsOf: large, encoding: .utf8), let program = try? Assembler.assemble(text, dialect: .llvm) {
    workloads.append(("large-4000", program, .schedCls, [], true))
}

print("program insns processed states ms_median ms_min")
for (name, program, type, maps, gpl) in workloads where only.map({ name.contains($0) }) ?? true {
    var times: [Double] = []
    var last: VerificationReport?
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        do { last = try Verifier.verify(program, type: type, maps: maps, options: VerifierOptions(isGPLCompatible: gpl)) } catch {
            print("\(name) rejected: \(error)")
            break
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    guard let report = last, !times.isEmpty else { continue }
    times.sort()
    print(name, program.slotCount, report.instructionsProcessed, report.totalStates,
          String(format: "%.3f", times[times.count / 2]), String(format: "%.3f", times[0]))
}
