import Datapath
import Foundation

extension AttachmentSpecification {
    /// Suffixes of program files, for telling `PROG:SECTION` from a path holding a colon.
    static let programFileSuffixes = [".o", ".s", ".asm", ".bin"]

    /// Reads `--attach HOOK=PROG[:SECTION]`: `prerouting=drop_icmp.o`, `ingress=classifier.o:tc`,
    /// `egress=prog.o:classifier/flow`.
    ///
    /// The section is what follows the last `:` after the `=`, but only when the part before
    /// that `:` is an existing file or ends in `.o`, `.s`, `.asm` or `.bin`, and the whole
    /// `PROG[:SECTION]` is not itself an existing file: so `ingress=captures:2024/x` attaches
    /// the file `captures:2024/x`. (A section holding a `:` can only be chosen in a pipeline file.)
    /// - Parameters:
    ///   - priority: the attachment's place; the command line gives 0, 1, 2… in the order of the options.
    ///   - fileExists: how to test for a file (tests replace it).
    /// - Throws: a usage failure (exit 2) naming the argument; a bad hook lists the hook names.
    static func parseCommandLine(
        _ text: String, priority: Int = 0, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws(CommandFailure) -> AttachmentSpecification {
        func failure(_ message: PipelineFileError.Message) -> CommandFailure {
            .usage("--attach '\(text)': \(message)")
        }
        guard let equals = text.firstIndex(of: "=") else { throw failure(.attachSyntax) }
        let hookName = String(text[..<equals])
        guard let hook = HookPoint(name: hookName) else { throw failure(.notAHook(hookName)) }
        var program = String(text[text.index(after: equals)...])
        var section: String?
        if !fileExists(program), let colon = program.lastIndex(of: ":") {
            let candidate = String(program[..<colon])
            if fileExists(candidate) || programFileSuffixes.contains(where: { candidate.hasSuffix($0) }) {
                section = String(program[program.index(after: colon)...])
                program = candidate
                guard section != "" else { throw failure(.emptyString("the section after ':'")) }
            }
        }
        guard !program.isEmpty else { throw failure(.emptyString("the program path after '='")) }
        return AttachmentSpecification(hook: hook, programPath: program, section: section, priority: priority)
    }

    /// Every `--attach` in the order given: priorities 0, 1, 2….
    static func parseCommandLine(
        _ arguments: [String], fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws(CommandFailure) -> [AttachmentSpecification] {
        var attachments: [AttachmentSpecification] = []
        for (index, argument) in arguments.enumerated() {
            attachments.append(try parseCommandLine(argument, priority: index, fileExists: fileExists))
        }
        return attachments
    }
}
