import ArgumentParser
import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import Foundation

/// `skbpf verify PROG [--section S] [--type T] [--strict] [--log]`: prove a program safe as the
/// kernel's verifier would, or say where and why it is not. Exit 0 accepted, 1 rejected.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a program as the Linux verifier does: accepted (exit 0) or rejected with why (exit 1).",
        discussion: """
            The default rules are a privileged (root) loader's; --strict gives an unprivileged \
            loader's (no pointer leaks, no reads of uninitialised stack).
            """)

    @Argument(help: "Program file: ELF object, assembly, raw bytecode or classic BPF (verified as its eBPF translation).")
    var program: String

    @Option(help: "ELF section or function name of the program.")
    var section: String?

    @Option(help: "Program type: tc (sched_cls), sched_act, socket_filter or xdp (default: from the section name, else tc; socket_filter for classic BPF).")
    var type: String?

    @Flag(help: "An unprivileged loader's rules.")
    var strict = false

    @Flag(help: "Print the state trace: each processed instruction with the registers before it.")
    var log = false

    func validate() throws {
        if let type, ProgramType(name: type) == nil {
            throw ValidationError("--type: unknown program type '\(type)' (tc, sched_cls, sched_act, socket_filter, xdp)")
        }
    }

    func run() throws {
        let file = try ProgramFile(path: program)
        let entry = try file.select(section: section)
        var maps = [VerifierMap]()
        var isGPL = true
        var programType = type.flatMap { ProgramType(name: $0) }
        var loaded: LoadedProgram?
        if let object = file.object {
            maps = object.maps.map { VerifierMap(name: $0.name, definition: $0.definition) }
            isGPL = ObjectInstance.isGPLCompatible(object.license)
            loaded = object.programs.first { $0.sectionName == entry.section && $0.name == entry.name }
            if programType == nil {
                // libbpf's "xdp", "xdp.frags", "xdp/..." sections; skbpf loads them only to verify.
                let isXDP = entry.section == "xdp" || entry.section.hasPrefix("xdp.") || entry.section.hasPrefix("xdp/")
                programType = loaded?.programType ?? (isXDP ? .xdp : ProgramType.inferred(fromSection: entry.section))
            }
        }
        if entry.classic != nil && programType == nil { programType = .socketFilter }
        let options = VerifierOptions(strict: strict, isGPLCompatible: isGPL, keepsLog: log,
                                      allowsClassicExtensions: entry.classic?.callsClassicExtensions ?? false)
        do {
            let report = try Verifier.verify(entry.program, type: programType ?? .schedCls, maps: maps, options: options)
            if log { for line in report.log { print(line) } }
            let depth = report.stackDepths.values.max() ?? 0
            print("accepted: \(entry.program.slotCount) insns, \(report.instructionsProcessed) processed, "
                  + "\(report.totalStates) states (peak \(report.peakStates)), stack \(depth) bytes, "
                  + String(format: "%.3f ms", Double(report.durationNanoseconds) / 1e6))
        } catch {
            if log { for line in error.log { print(line) } }
            FileHandle.standardError.write(Data(Self.explain(error, program: entry.program, loaded: loaded, path: program).utf8))
            throw ExitCode(CommandFailure.Kind.rejected.rawValue)
        }
    }

    /// The rejection as a person reads it: where (slot, disassembly, source line), the kernel's
    /// message, how to fix it, and the registers at that point.
    /// With `headline`, the kernel's first error line comes first (as `kernel_oracle.py` reports it).
    static func explain(_ error: VerificationError, program: Program, loaded: LoadedProgram?, path: String,
                        headline: Bool = false) -> String {
        var lines = headline ? [String(error.message.split(separator: "\n").first ?? "")] : ["skbpf: \(path): rejected"]
        if let index = error.instructionIndex, let slot = error.slotIndex {
            let text = Disassembler().text(of: program.instructions[index])
            var location = ""
            if let source = error.sourceLocation ?? loaded?.sourceLocation(ofInstruction: index) {
                location = "  (\(source)\(source.text.map { ": " + $0.trimmingCharacters(in: .whitespaces) } ?? ""))"
            }
            lines.append("  insn \(slot): \(text)\(location)")
        } else if let slot = error.slotIndex {
            lines.append("  insn \(slot)")
        }
        for line in error.message.split(separator: "\n") { lines.append("  \(line)") }
        if let hint = error.hint { lines.append("  hint: \(hint)") }
        if let state = error.state, !state.isEmpty { lines.append("  state: \(state)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
