// `skbpf test-run`'s per-run path: an example C program from Programs/build (run `make programs`
// first) on a sample frame, as BPF_PROG_TEST_RUN runs it — one buffer, reused run after run.
// Each iteration is one run in checked mode; `mallocCountTotal` must stay 0 (the per-run path
// allocates nothing). Figure to beat: the kernel's own duration_ns for the same program and
// packet (`kernel_oracle.py run Programs/build/classifier.o --packet
// Programs/samples/tcp_syn_port80.bin --repeat 1000000`, 28-36 ns here) times 4.
import BPFABI
import BPFObject
import BPFVM
import Benchmark
import Foundation
import PacketBuffer

let repository: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }  // …/Benchmarks/Benchmarks/TestRun/TestRun.swift -> repo
    return url
}()

struct Case {
    var name: String
    var object: String
    var section: String
    var packet: String
}

let cases = [
    Case(name: "classifier tcp80", object: "classifier", section: "tc", packet: "tcp_syn_port80"),
    Case(name: "classifier udp53", object: "classifier", section: "tc", packet: "udp_dns_query"),
    Case(name: "flow_counters tcp (hash map)", object: "flow_counters", section: "tc", packet: "tcp_http_get"),
    Case(name: "dnat tcp (checksum helpers)", object: "dnat", section: "tc", packet: "tcp_syn_port80"),
]

/// The program of `entry` ready to run on its packet, or nil (with the reason printed).
func prepare(_ entry: Case) -> (Interpreter, SkBuff)? {
    let objectURL = repository.appendingPathComponent("Programs/build/\(entry.object).o")
    let packetURL = repository.appendingPathComponent("Programs/samples/\(entry.packet).bin")
    guard let bytes = try? Data(contentsOf: objectURL), let frame = try? Data(contentsOf: packetURL) else {
        print("skipping \(entry.name): \(objectURL.path) not built (make programs)")
        return nil
    }
    do {
        let object = try LoadedObject.load(bytes: [UInt8](bytes))
        guard let program = object.programs(inSection: entry.section).first else { return nil }
        let maps = try MapSet(object.maps.map {
            MapSpecification(name: $0.name, definition: $0.definition, initialData: $0.initialData, isReadOnly: $0.isReadOnly)
        })
        let executable = try ExecutableProgram(program.program, mode: .checked, programType: .schedCls, maps: maps)
        let interpreter = Interpreter(program: executable, environment: HelperEnvironment(maps: maps))
        let skb = SkBuff(capacity: 4096)
        try TestRunFrame.prepare(skb, frame: [UInt8](frame), type: .schedCls, context: TestRunContext())
        return (interpreter, skb)
    } catch {
        print("skipping \(entry.name): \(error)")
        return nil
    }
}

let benchmarks: @Sendable () -> Void = {
    for entry in cases {
        guard let (interpreter, skb) = prepare(entry) else { continue }
        Benchmark("test-run \(entry.name)", configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? interpreter.run(context: skb).returnValue)
            }
        }
    }
}
