// Per-packet filter time of tcpdump expressions as skbpf runs them (libpcap's program,
// translated to eBPF, verified, run as machine code by `Interpreter.run(packet:wireLength:)`),
// cache-resident as the reference measures libpcap: the first 4,096 packets of a capture, held
// one after another in memory, filtered back to back many times. One line per expression:
//
//     expression  ns_per_packet  best_ns_per_packet  matched  cbpf_insns  ebpf_insns
//
// ns_per_packet is the median over `--samples` samples, best the fastest; each sample runs
// every packet `--reps` times. Release build:
//
//     cd Benchmarks && swift run -c release filter-bench --pcap FILE [--count 4096] [--reps 250]
//                      [--samples 9] [--interpreter] [EXPR ...]
//
// Without expressions, the six of ../shared/bench/README.md. Compare with libpcap on the same
// file: `pcapfilter_ref -c 4096 -r 250 FILE EXPR` (../shared/tools/pcapfilter_ref.c).
import BPFABI
import BPFVerifier
import BPFVM
import ClassicBPF
import Foundation
import PacketBuffer
import PacketIO

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

let referenceExpressions = [
    "tcp", "host 10.1.2.3", "tcp dst port 80", "not port 22 and (udp or icmp)",
    (3...12).map { "host 10.1.2.\($0)" }.joined(separator: " or "),
    "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
]

guard let path = option("--pcap") else {
    FileHandle.standardError.write(Data("usage: filter-bench --pcap FILE [--count N] [--reps R] [--samples S] [--interpreter] [EXPR ...]\n".utf8))
    exit(64)
}
let count = Int(option("--count") ?? "") ?? 4096
let reps = Int(option("--reps") ?? "") ?? 250
let samples = max(Int(option("--samples") ?? "") ?? 9, 1)
let engine: Interpreter.Engine = CommandLine.arguments.contains("--interpreter") ? .interpreter : .native
var words: [String] = []
var skipNext = false
for argument in CommandLine.arguments.dropFirst() {
    if skipNext { skipNext = false; continue }
    if ["--pcap", "--count", "--reps", "--samples"].contains(argument) { skipNext = true; continue }
    if argument.hasPrefix("--") { continue }
    words.append(argument)
}
let expressions = words.isEmpty ? referenceExpressions : words

/// Wall time per packet of `reps` passes over `buffers` (a function, not top-level code: globals
/// of main.swift are main-actor state, checked on every access).
@inline(never)
func nanosecondsPerPacket(_ interpreter: Interpreter, _ packets: Packets, reps: Int) -> Double {
    var accepted: UInt64 = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<reps {
        for i in 0..<packets.count {
            let packet = UnsafeRawBufferPointer(start: packets.bytes + packets.offsets[i], count: packets.capturedLengths[i])
            accepted &+= (try? interpreter.run(packet: packet, wireLength: packets.wireLengths[i]))?.returnValue ?? 0
        }
    }
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    if accepted == UInt64.max { print(accepted) }  // keeps the runs
    return Double(elapsed) / Double(reps * packets.count)
}

/// The packets one after another in one block, as pcapfilter_ref holds them.
struct Packets {
    var bytes: UnsafeMutableRawPointer
    var offsets: UnsafeMutablePointer<Int>
    var capturedLengths: UnsafeMutablePointer<Int>
    var wireLengths: UnsafeMutablePointer<Int>
    var count: Int
}

var reader = try PcapReader(path: path)
var data: [UInt8] = [], offsets: [Int] = [], captured: [Int] = [], wire: [Int] = []
while offsets.count < count, let packet = try reader.nextPacket() {
    offsets.append(data.count)
    captured.append(packet.bytes.count)
    wire.append(packet.header.originalLength)
    data += packet.bytes
}
let packets = Packets(bytes: .allocate(byteCount: data.count, alignment: 64), offsets: .allocate(capacity: offsets.count),
                      capturedLengths: .allocate(capacity: offsets.count), wireLengths: .allocate(capacity: offsets.count),
                      count: offsets.count)
packets.bytes.copyMemory(from: data, byteCount: data.count)
packets.offsets.initialize(from: offsets, count: offsets.count)
packets.capturedLengths.initialize(from: captured, count: offsets.count)
packets.wireLengths.initialize(from: wire, count: offsets.count)

for expression in expressions {
    let compiled = try reader.compileFilter(expression)
    let translation = try ClassicTranslator.translate(compiled.program, options: .init(semantics: .libpcap))
    let report = try Verifier.verify(translation.program, type: .socketFilter,
                                     options: VerifierOptions(allowsClassicExtensions: translation.callsClassicExtensions))
    let executable = try ExecutableProgram(translation.program, mode: .unchecked, programType: .socketFilter,
                                           verification: report, allowsClassicExtensions: translation.callsClassicExtensions)
    let interpreter = Interpreter(program: executable, engine: engine)
    var matched = 0
    for i in 0..<packets.count {
        let packet = UnsafeRawBufferPointer(start: packets.bytes + packets.offsets[i], count: packets.capturedLengths[i])
        if try interpreter.run(packet: packet, wireLength: packets.wireLengths[i]).returnValue != 0 { matched += 1 }
    }
    var perPacket: [Double] = []
    for _ in 0..<samples {
        perPacket.append(nanosecondsPerPacket(interpreter, packets, reps: reps))
    }
    perPacket.sort()
    print(String(format: "%-40@ %7.2f %7.2f %6d %4d %4d", String(expression.prefix(40)) as NSString, perPacket[samples / 2],
                 perPacket[0], matched, compiled.program.instructions.count, translation.program.instructions.count))
}
