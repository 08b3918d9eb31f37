// tcpdump expressions as skbpf runs them: libpcap's program translated to eBPF, verified, run as
// machine code on packets in memory (`Interpreter.run(packet:wireLength:)`), cache-resident as
// ../shared/bench/README.md measures libpcap's `pcap_offline_filter`: the first 4,096 packets of
// `gen_traffic.py --seed 1`, filtered back to back. The custom metric `ns/packet` is the wall
// time of a pass divided by its packets; the per-packet path must show 0 mallocs.
// Figures to beat (the README's, this machine kind): tcp 8.6 ns, host 9.2, tcp dst port 80
// 13.5, not port 22 and (udp or icmp) 10.5, ten ORed hosts 30.0, tcp flags 11.0.
//
// The capture: $SKBPF_FILTER_PCAP, else generated with ../shared/tools/gen_traffic.py.
import BPFVerifier
import BPFVM
import Benchmark
import ClassicBPF
import Foundation
import PacketIO

let sharedFolder: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { url.deleteLastPathComponent() }  // …/Benchmarks/Benchmarks/ClassicFilter/ClassicFilter.swift -> repo parent
    return url.appendingPathComponent("shared")
}()

let expressions = [
    "tcp", "host 10.1.2.3", "tcp dst port 80", "not port 22 and (udp or icmp)",
    (3...12).map { "host 10.1.2.\($0)" }.joined(separator: " or "),
    "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
]

/// The capture's first 4,096 packets one after another, as libpcap's reference holds them.
struct PacketBlock {
    var bytes: [UInt8] = []
    var packets: [(offset: Int, capturedLength: Int, wireLength: Int)] = []
}

func capturePath() -> String? {
    if let path = ProcessInfo.processInfo.environment["SKBPF_FILTER_PCAP"] { return path }
    let generator = sharedFolder.appendingPathComponent("tools/gen_traffic.py").path
    guard FileManager.default.fileExists(atPath: generator) else { return nil }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("skbpf-filter-bench-4096.pcap").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [generator, "--packets", "4096", "--seed", "1", "-o", output]
    process.standardOutput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return process.terminationStatus == 0 ? output : nil
}

let benchmarks: @Sendable () -> Void = {
    guard let path = capturePath(), var reader = try? PcapReader(path: path) else {
        print("skipping classic filter benchmarks: no capture (set SKBPF_FILTER_PCAP or provide ../shared/tools)")
        return
    }
    var block = PacketBlock()
    while block.packets.count < 4096, let packet = try? reader.nextPacket() {
        block.packets.append((block.bytes.count, packet.bytes.count, packet.header.originalLength))
        block.bytes += packet.bytes
    }
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(block.bytes.count, 1), alignment: 64)
    storage.copyBytes(from: block.bytes)
    let packets = block.packets
    for expression in expressions {
        guard let compiled = try? reader.compileFilter(expression),
              let translation = try? ClassicTranslator.translate(compiled.program, options: .init(semantics: .libpcap)),
              let report = try? Verifier.verify(translation.program, type: .socketFilter,
                                                options: VerifierOptions(allowsClassicExtensions: translation.callsClassicExtensions)),
              let executable = try? ExecutableProgram(translation.program, mode: .unchecked, programType: .socketFilter,
                                                      verification: report,
                                                      allowsClassicExtensions: translation.callsClassicExtensions)
        else {
            print("skipping '\(expression)': does not compile, translate or verify")
            continue
        }
        let interpreter = Interpreter(program: executable, engine: .native)
        Benchmark("filter \(expression.count > 40 ? "10 hosts ORed" : expression)", configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .custom("ns/packet", polarity: .prefersSmaller)],
            scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 200)
        ) { benchmark in
            let repeats = 25
            var accepted: UInt64 = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repeats {
                for packet in packets {
                    let bytes = UnsafeRawBufferPointer(rebasing: storage[packet.offset..<packet.offset + packet.capturedLength])
                    accepted &+= (try? interpreter.run(packet: bytes, wireLength: packet.wireLength))?.returnValue ?? 0
                }
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            blackHole(accepted)
            benchmark.measurement(.custom("ns/packet", polarity: .prefersSmaller),
                                  Int(Double(elapsed) * 1000 / Double(repeats * packets.count)))
        }
    }
}
