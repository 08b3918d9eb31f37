import ArgumentParser
import BPFISA
import ClassicBPF
import Foundation
import PacketIO

/// `skbpf compile EXPR [--linktype T] [--snaplen N] [--format F] [-o FILE]`: a tcpdump expression
/// compiled by libpcap, as classic BPF or as the eBPF skbpf runs.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a tcpdump filter expression with libpcap, to classic BPF or to eBPF.",
        discussion: """
            The expression is compiled by the system's libpcap (pcap_compile, optimizer on, no \
            netmask) for a link type and snapshot length, exactly as tcpdump would compile it; \
            libpcap's errors are printed as it words them. Words are joined with spaces, as \
            tcpdump joins them.

            Formats:
              cbpf  tcpdump -ddd text: the instruction count, then 'code jt jf k' per line (default)
              c     tcpdump -dd text: '{ 0x28, 0, 0, 0x0000000c },' per line, a C sock_filter initializer
              raw   the struct sock_filter array, 8 bytes per instruction (for SO_ATTACH_FILTER; skbpf \
            reads it from files named *.cbpf)
              ebpf  the eBPF translation as raw bytecode (a socket filter)
              asm   the eBPF translation as assembly (conformance dialect, which skbpf asm reads back exactly)

            Every format loads wherever skbpf takes a program (verify, disasm, run, replay \
            attachments). The eBPF translation reads packet offsets from skb->data (--origin data), \
            or from the network or link-layer header; it follows libpcap's run-time rules, so it \
            gives tcpdump's answer. Binary formats on a terminal are shown as a hex dump.
            """)

    @Argument(help: "The filter expression (tcpdump syntax).")
    var words: [String] = []

    @Option(help: "Link type: a libpcap DLT name (EN10MB, RAW, LINUX_SLL, LINUX_SLL2, NULL, …) or number.")
    var linktype = "EN10MB"

    @Option(help: "Snapshot length: what a matching filter returns.")
    var snaplen = FilterExpression.defaultSnapshotLength

    @Option(help: "Output format: cbpf, c, raw, ebpf or asm.")
    var format: CompileFormat = .cbpf

    @Option(help: "For ebpf and asm: where packet offset 0 is (data, network, link).")
    var origin: CompileOrigin = .data

    @Option(name: .shortAndLong, help: "Write the output to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard LinkType(name: linktype) != nil else {
            throw ValidationError("--linktype: '\(linktype)' is not a link type libpcap knows (e.g. EN10MB, RAW, LINUX_SLL, NULL, or a DLT number)")
        }
        guard snaplen >= 1 && snaplen <= Int(Int32.max) else {
            throw ValidationError("--snaplen: \(snaplen) is outside 1...\(Int32.max)")
        }
    }

    func run() throws {
        let expression = words.joined(separator: " ")
        let linkType = LinkType(name: linktype)!
        let compiled: FilterExpression
        do {
            compiled = try FilterExpression(expression, linkType: linkType, snapshotLength: snaplen)
        } catch {
            throw CommandFailure.rejected("\(error)")
        }
        let bytes: [UInt8]
        switch format {
        case .cbpf: bytes = Array(compiled.program.decimalText.utf8)
        case .c: bytes = Array(compiled.program.cArrayText.utf8)
        case .raw: bytes = compiled.program.encoded()
        case .ebpf, .asm:
            let translation: ClassicTranslation
            do {
                translation = try ClassicTranslator.translate(
                    compiled.program, options: .init(packetOrigin: origin.packetOrigin, semantics: .libpcap))
            } catch {
                throw CommandFailure.rejected("'\(expression)': libpcap's program does not translate: \(error)")
            }
            bytes = format == .ebpf ? translation.program.encoded() : Array(Disassembler(dialect: .conformance).listing(of: translation.program).utf8)
        }
        try write(bytes, isBinary: format == .raw || format == .ebpf)
    }

    private func write(_ bytes: [UInt8], isBinary: Bool) throws(CommandFailure) {
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw .usage("\(output): cannot be written")
            }
        } else if isBinary && isatty(STDOUT_FILENO) != 0 {
            for record in stride(from: 0, to: bytes.count, by: 8) {
                let line = bytes[record..<min(record + 8, bytes.count)].map { String(format: "%02x", $0) }
                print(String(format: "%5d: ", record / 8) + line.joined(separator: " "))
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

/// `compile --format`.
enum CompileFormat: String, ExpressibleByArgument, CaseIterable {
    case cbpf, c, raw, ebpf, asm
}

/// `compile --origin`.
enum CompileOrigin: String, ExpressibleByArgument, CaseIterable {
    case data, network, link

    var packetOrigin: ClassicTranslator.Options.PacketOrigin {
        switch self {
        case .data: .data
        case .network: .networkHeader
        case .link: .linkHeader
        }
    }
}
