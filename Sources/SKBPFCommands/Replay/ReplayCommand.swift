import ArgumentParser
import Datapath
import Foundation
import PacketBuffer
import PacketIO

/// `skbpf replay [--pipeline FILE | --attach HOOK=PROG[:SECTION]…] --in IN.pcap[ng] [--out-dir DIR]
/// [--filter EXPR [--matched-out FILE]] [--json] [--progress]`: a capture through the datapath,
/// sorted by verdict.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a capture through a pipeline of filters, writing the packets sorted by verdict.",
        discussion: """
            Every packet goes ingress → prerouting → routing → forward or input → … as in the Linux \
            stack, and ends exactly once: sent on a device (<device>.pcap), delivered to a local \
            socket (local.pcap), dropped (dropped.pcap, with a reason) or stolen by a program. \
            verdicts.jsonl has one line per packet: its hooks, each program's return value, the \
            verdict, mark, priority and whether a program rewrote it. Without --pipeline the \
            capture arrives on device 'in' (ifindex 2) and is routed to 'out' (ifindex 3).
            """)

    @Option(help: "Pipeline file (YAML): devices, routes, rules, sockets, attachments.")
    var pipeline: String?

    @Option(name: .customLong("attach"), help: "HOOK=PROG[:SECTION]: attach a program (repeatable; run in the order given).")
    var attachments: [String] = []

    @Option(name: .customLong("in"), help: "Capture to replay (pcap or pcapng).")
    var input: String

    @Option(name: .customLong("out-dir"), help: ArgumentHelp(
        "Directory for the output captures and verdicts.jsonl (default: replay-out).", discussion: """
        With --matched-out and no --out-dir, only the matched capture is written, as \
        `tcpdump -r IN -w FILE EXPR` writes it; the summary still accounts for every packet.
        """))
    var outputDirectory: String?

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    @Flag(help: "Show packets and packets/s on standard error while replaying (on a terminal).")
    var progress = false

    @Flag(name: .customLong("no-verdicts"), help: "Do not write verdicts.jsonl.")
    var noVerdicts = false

    @Option(help: ArgumentHelp("A tcpdump expression, the first program at the input device's ingress.", discussion: """
        Compiled by libpcap for the capture's link type and snapshot length, it sees each packet as \
        captured (link header and VLAN tags in place, len = the length on the wire); packets it does \
        not match are dropped there (reason "filtered") and written nowhere. verdicts.jsonl lines \
        then carry "matched".
        """))
    var filter: String?

    @Option(name: .customLong("matched-out"), help: "With --filter: write the matching packets here, as tcpdump -w writes them.")
    var matchedOut: String?

    func validate() throws {
        if pipeline != nil && !attachments.isEmpty {
            throw ValidationError("--pipeline and --attach exclude each other: put the attachments in the pipeline file")
        }
        if matchedOut != nil && filter == nil { throw ValidationError("--matched-out needs --filter EXPR") }
    }

    func run() throws {
        var reader: PcapReader
        do { reader = try PcapReader(path: input) } catch { throw CommandFailure.usage("\(error)") }
        let linkLayer = LinkLayer(reader.linkType)
        let inputHasLinkHeader = reader.linkType == .ethernet

        var configuration: DatapathConfiguration
        if let pipeline {
            do { configuration = try PipelineFile.load(path: pipeline, inputHasLinkHeader: inputHasLinkHeader) } catch {
                throw CommandFailure.usage("\(error)")
            }
        } else {
            let specifications = try AttachmentSpecification.parseCommandLine(attachments)
            configuration = .replayDefault(inputHasLinkHeader: inputHasLinkHeader, attachments: specifications)
        }
        do { try configuration.validate() } catch { throw CommandFailure.usage("\(pipeline ?? "--attach"): \(error)") }
        var loaded = try AttachmentLoader.loadAll(configuration)

        // `--filter E --matched-out F` alone is tcpdump's `-r -w`: no other outputs unless asked.
        let outputDirectory = self.outputDirectory ?? (matchedOut == nil ? "replay-out" : nil)
        if let outputDirectory {
            do {
                try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure.usage("--out-dir \(outputDirectory): \(error.localizedDescription)")
            }
        }
        var capture: CaptureFilter?
        if let filter {
            // After the output folder exists: --matched-out may name a file inside it.
            capture = try CaptureFilter(expression: filter, reader: reader, device: configuration.inputDevice,
                                        matchedOut: matchedOut)
            loaded.insert(capture!.attachment, at: 0)
        }
        let sink = try ReplaySink(directory: outputDirectory, inputLinkType: reader.linkType, devices: configuration.devices)
        let datapath: Datapath
        do {
            datapath = try Datapath(configuration: configuration, attachments: loaded, sink: sink)
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        let verdictPath = noVerdicts ? nil : outputDirectory.map { $0 + "/verdicts.jsonl" }
        datapath.recordsTrails = verdictPath != nil
        let verdicts = try verdictPath.map { path throws(CommandFailure) in try VerdictLog(path: path, datapath: datapath) }
        let inputDevice = datapath.deviceIndex(named: configuration.inputDevice)!

        let meter = ReplayProgress(enabled: progress && isatty(2) != 0)
        let start = DispatchTime.now().uptimeNanoseconds
        // Room for helpers that grow a packet (encapsulation, change_tail) past the capture's size.
        let skb = SkBuff(capacity: 65_536 + 4096, headroom: 256)
        var captureError: PacketIOError?
        var unsupportedLinkType = false
        while true {
            let header: PcapPacketHeader
            var matched: Bool?
            do {
                // A capture filter judges the record where the reader holds it; a refused one is
                // passed over, never copied.
                if let capture {
                    guard try capture.advanceToMatch(in: &reader, datapath: datapath, device: inputDevice, verdicts: verdicts)
                    else { break }
                    matched = true
                }
                guard let next = try reader.read(into: skb, headroom: 256) else { break }
                header = next
            } catch {
                captureError = error
                break
            }
            sink.timestamp = header.timestamp
            sink.missingByteCount = header.originalLength - header.capturedLength
            do {
                let parsed = try linkLayer.parse(skb)
                sink.isUnparsed = false
                prepare(skb, parsed, linkType: reader.linkType, sink: sink)
                if capture == nil { datapath.receive(skb, on: inputDevice) } else { datapath.receiveFiltered(skb, on: inputDevice) }
            } catch {
                if case .unsupportedLinkType = error { unsupportedLinkType = true }
                sink.isUnparsed = true
                if capture == nil {
                    datapath.reject(skb, on: inputDevice, reason: .linkHeader)
                } else {
                    datapath.rejectFiltered(skb, on: inputDevice, reason: .linkHeader)
                }
            }
            verdicts?.write(index: header.index, trail: datapath.lastTrailView, matched: matched)
            if meter.isEnabled { meter.update(packets: header.index + 1) }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        meter.finish()
        try verdicts?.close()
        let captureFailure = capture?.close()
        let writeFailure = sink.close() ?? captureFailure

        let summary = ReplaySummary(
            input: input, linkType: reader.linkType, datapath: datapath, sink: sink, seconds: elapsed,
            outputDirectory: outputDirectory, writesVerdicts: verdicts != nil,
            matchedOutput: capture.flatMap { c in c.matchedPath.map { ($0, c.matchedCount) } }, captureError: captureError,
            unsupportedLinkType: unsupportedLinkType, writeFailure: writeFailure)
        print(json ? summary.json : summary.text)
        if let capture, !json { print(capture.summaryLine(packets: datapath.totals.received)) }
        if let captureError {
            FileHandle.standardError.write(Data("skbpf: error: \(captureError) (the \(datapath.totals.received) packets before it were replayed; the outputs are complete up to there)\n".utf8))
            throw ExitCode(CommandFailure.Kind.rejected.rawValue)
        }
        if let writeFailure { throw CommandFailure.rejected("\(writeFailure)") }
    }

    /// What the receive path knows of a captured frame before the stack runs: for Ethernet,
    /// `eth_type_trans` (protocol, packet type from the destination's group bit, MAC header);
    /// for raw-IP and cooked captures, the packet from its network header as an L3 device gives it.
    @inline(__always)
    private func prepare(_ skb: SkBuff, _ parsed: LinkLayerHeader, linkType: LinkType, sink: ReplaySink) {
        if linkType == .ethernet {
            parsed.apply(to: skb)
            let first = skb.data.load(as: UInt8.self)
            skb.packetType = first & 1 == 0 ? .host : (skb.data.loadUnaligned(as: UInt32.self) == 0xffff_ffff ? .broadcast : .multicast)
            sink.linkHeader.destination = EthernetAddress(rawValue: Datapath.loadMAC(skb.data))
            sink.linkHeader.source = EthernetAddress(rawValue: Datapath.loadMAC(skb.data + 6))
        } else {
            skb.pull(parsed.networkOffset)
            skb.resetNetworkHeader()
            skb.unsetMacHeader()
            skb.protocolBigEndian = parsed.networkProtocol.bigEndian
            skb.packetType = parsed.packetType ?? .host
            sink.linkHeader.packetType = parsed.packetType ?? .host
            if let index = parsed.interfaceIndex { sink.linkHeader.interfaceIndex = index }
        }
    }
}

/// The progress line: packets and packets/s, redrawn at most 5 times a
/// second on standard error.
final class ReplayProgress {
    let isEnabled: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0

    init(enabled: Bool) { isEnabled = enabled }

    func update(packets: Int) {
        guard packets & 0x3fff == 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw >= 200_000_000 else { return }
        lastDraw = now
        let rate = Double(packets) / (Double(now - start) / 1e9)
        FileHandle.standardError.write(Data("\r\u{1b}[K  replay: \(packets) packets, \(ReplaySummary.rate(rate))/s".utf8))
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
