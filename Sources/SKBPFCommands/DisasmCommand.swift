import ArgumentParser
import BPFISA

/// `skbpf disasm PROG`: print a program in the LLVM dialect (as `llvm-objdump -d`) or the conformance dialect.
struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Disassemble an ELF object, raw bytecode or assembly file.")

    @Argument(help: "Program file: ELF object, raw bytecode or assembly.")
    var program: String

    @Option(help: "Output dialect: llvm (default, as llvm-objdump prints) or conformance.")
    var dialect: AssemblyDialect = .llvm

    @Option(help: "Only the program in this ELF section (or with this function name).")
    var section: String?

    func run() throws {
        let file = try ProgramFile(path: program)
        let entries = try section.map { [try file.select(section: $0)] } ?? file.entries
        let disassembler = Disassembler(dialect: dialect)
        for (index, entry) in entries.enumerated() {
            if file.format == .elf {
                if index > 0 { print() }
                print("Disassembly of section \(entry.section):\n")
                print("\(entry.name):")
            }
            print(disassembler.listing(of: entry.program), terminator: "")
        }
    }
}
