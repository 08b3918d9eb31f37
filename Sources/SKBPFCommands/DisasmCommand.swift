import ArgumentParser
import BPFISA

/// `skbpf disasm PROG`: print a program in the LLVM dialect (as `llvm-objdump -d`) or the conformance dialect.
struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Disassemble an ELF object, raw bytecode or assembly file.",
        discussion: "ELF objects are listed section by section with function labels, as llvm-objdump -d prints them.")

    @Argument(help: "Program file: ELF object, raw bytecode or assembly.")
    var program: String

    @Option(help: "Output dialect: llvm (default, as llvm-objdump prints) or conformance.")
    var dialect: AssemblyDialect = .llvm

    @Option(help: "Only this ELF section (or the function of this name).")
    var section: String?

    func run() throws {
        let file = try ProgramFile(path: program)
        let disassembler = Disassembler(dialect: dialect)
        guard file.format == .elf else {
            print(disassembler.listing(of: try file.select(section: section).program), terminator: "")
            return
        }
        var sections = file.codeSections
        if let section {
            sections = sections.filter { $0.section.name == section }
            if sections.isEmpty {
                // A function name: list that program as loaded (its subprograms linked after it).
                let entry = try file.select(section: section)
                print(disassembler.listing(of: entry.program, symbols: entry.symbols), terminator: "")
                return
            }
        }
        for (index, code) in sections.enumerated() {
            if index > 0 { print() }
            print("Disassembly of section \(code.section.name):\n")
            print(disassembler.listing(of: code.program, symbols: code.symbols), terminator: "")
        }
    }
}
