public import ArgumentParser
public import BPFISA
import Foundation

/// `skbpf asm IN [-o OUT]`: assemble text into raw bytecode.
struct AsmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asm",
        abstract: "Assemble eBPF assembly (LLVM/kernel or conformance dialect) into raw bytecode.",
        discussion: """
            Without -o, bytecode goes to standard output when it is not a terminal; on a terminal \
            a hex dump (one 8-byte slot per line) is printed instead.
            """)

    @Argument(help: "Assembly file (or an ELF object / bytecode file, re-encoded).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file for the raw bytecode.")
    var output: String?

    @Option(help: "Source dialect: llvm or conformance (default: detected).")
    var dialect: AssemblyDialect?

    @Option(help: "ELF section or function to take, when the input is an object with several programs.")
    var section: String?

    func run() throws {
        let file = try ProgramFile(path: input, dialect: dialect)
        let bytes = try file.select(section: section).program.encoded()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw CommandFailure.usage("\(output): cannot be written")
            }
        } else if isatty(STDOUT_FILENO) != 0 {
            for slot in stride(from: 0, to: bytes.count, by: Program.slotByteCount) {
                let line = bytes[slot..<slot + Program.slotByteCount].map { String(format: "%02x", $0) }
                print(String(format: "%5d: ", slot / Program.slotByteCount) + line.joined(separator: " "))
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

extension AssemblyDialect: ExpressibleByArgument {}
