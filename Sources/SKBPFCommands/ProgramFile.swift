import BPFISA
import BPFObject
import ClassicBPF
import Foundation

/// A program file as the commands accept it: an ELF object, assembly text, raw bytecode, or a
/// classic BPF program (translated to eBPF as the kernel translates it).
///
/// The format is detected from the content, never guessed between two readings: ELF magic; text
/// shaped as `tcpdump -ddd` (a count, then `code jt jf k` records) or `tcpdump -dd` (`{ 0x28, 0,
/// 0, 0x0000000c },`) is classic, other text is assembly; binary is eBPF bytecode, except in a
/// file named `*.cbpf`, where it is the raw `struct sock_filter` array (both formats are 8-byte
/// records, so only the name can tell them apart).
struct ProgramFile {
    enum Format: Equatable {
        case elf
        case assembly
        case raw
        case classic(ClassicFormat)

        var name: String {
            switch self {
            case .elf: "ELF object"
            case .assembly: "assembly"
            case .raw: "raw bytecode"
            case .classic(.decimal): "classic BPF (tcpdump -ddd)"
            case .classic(.cArray): "classic BPF (tcpdump -dd)"
            case .classic(.binary): "classic BPF (sock_filter array)"
            }
        }
    }

    /// Suffix of raw classic programs (`struct sock_filter` records).
    static let classicBinarySuffix = ".cbpf"

    /// One program in the file (an ELF object may hold several).
    struct Entry {
        var section: String
        var name: String
        /// For ELF objects: linked as libbpf links it (subprograms appended, map references as
        /// `map_idx`), so it runs and lists as loaded.
        var program: Program
        /// Function names by first slot (an ELF program's subprograms).
        var symbols: [Int: String] = [:]
        /// For classic programs: the program and its translation (``program`` is the eBPF),
        /// a socket filter that loaders must allow the classic extension calls.
        var classic: ClassicTranslation? = nil
    }

    var path: String
    var format: Format
    /// The runnable programs (for ELF: not the `.text` subprograms they call).
    var entries: [Entry]
    /// For ELF objects: every code section, as `llvm-objdump -d` lists them.
    var codeSections: [ObjectCodeSection] = []
    /// For ELF objects: the object as the loader made it (nil when only the listing is possible).
    var object: LoadedObject?
    /// Why the loader refused the object, when it did: its sections can still be listed.
    var loadFailure: String?

    /// Reads and decodes `path`. Unreadable or empty input is a usage error (exit 2);
    /// a program that does not decode or assemble is rejected (exit 1).
    init(path: String, dialect: AssemblyDialect? = nil) throws(CommandFailure) {
        self.path = path
        let bytes = try Self.readBytes(path)
        guard !bytes.isEmpty else { throw .usage("\(path): file is empty") }
        if BPFObjectFile.isELF(bytes) {
            format = .elf
            let file: BPFObjectFile
            do { file = try BPFObjectFile(bytes: bytes) } catch { throw .rejected("\(path): \(error)") }
            codeSections = file.codeSections
            do {
                let loaded = try LoadedObject(file: file, cpuCount: ObjectInstance.possibleCPUCount)
                object = loaded
                entries = loaded.programs.map {
                    Entry(section: $0.sectionName, name: $0.name, program: $0.program, symbols: $0.functionNamesBySlot)
                }
            } catch {
                // Listing still works on the raw sections; running does not (select() says why).
                loadFailure = "\(error)"
                entries = file.programs.filter { !$0.isSubprogram }.map {
                    Entry(section: $0.sectionName, name: $0.name, program: $0.program, symbols: [0: $0.name])
                }
            }
            guard !entries.isEmpty else { throw .rejected("\(path): the object has no program sections") }
        } else if let text = Self.text(bytes), let classicFormat = ClassicProgram.textFormat(of: text) {
            format = .classic(classicFormat)
            let classic: ClassicProgram
            do { classic = try ClassicProgram(text: text, fileName: path) } catch { throw .rejected("\(error)") }
            entries = [try Self.classicEntry(classic, path: path)]
        } else if path.hasSuffix(Self.classicBinarySuffix) {
            format = .classic(.binary)
            let classic: ClassicProgram
            do { classic = try ClassicProgram(decoding: bytes, fileName: path) } catch { throw .rejected("\(error)") }
            entries = [try Self.classicEntry(classic, path: path)]
        } else if let text = Self.text(bytes) {
            format = .assembly
            do {
                let program = try Assembler.assemble(text, dialect: dialect, fileName: path)
                entries = [Entry(section: "", name: Self.baseName(path), program: program)]
            } catch {
                throw .rejected("\(error)")
            }
        } else {
            format = .raw
            do {
                entries = [Entry(section: "", name: Self.baseName(path), program: try Program(decoding: bytes))]
            } catch {
                throw .rejected("\(path): \(error)")
            }
        }
    }

    /// The single program to run: the one named by `section` (a section or function name),
    /// or the only one in the file.
    func select(section: String?) throws(CommandFailure) -> Entry {
        if let loadFailure { throw .rejected("\(path): \(loadFailure)") }
        if let section {
            guard let entry = entries.first(where: { $0.section == section || $0.name == section }) else {
                throw .usage("\(path): no program in section or function '\(section)' (have: \(listing))")
            }
            return entry
        }
        guard entries.count == 1 else {
            throw .usage("\(path): holds \(entries.count) programs, choose one with --section (have: \(listing))")
        }
        return entries[0]
    }

    /// A classic program checked and translated (Linux's rules: offsets from `data`).
    static func classicEntry(_ classic: ClassicProgram, path: String) throws(CommandFailure) -> Entry {
        let translation: ClassicTranslation
        do { translation = try ClassicTranslator.translate(classic) } catch { throw .rejected("\(path): \(error)") }
        return Entry(section: "", name: baseName(path), program: translation.program, classic: translation)
    }

    private var listing: String { entries.map { "\($0.section)/\($0.name)" }.joined(separator: ", ") }

    static func readBytes(_ path: String) throws(CommandFailure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw .usage("\(path): \(isDirectory.boolValue ? "is a directory" : "cannot be read")")
            }
            throw .usage("\(path): no such file")
        }
        return [UInt8](data)
    }

    /// The file as text if it is UTF-8 without control characters other than whitespace:
    /// bytecode almost always holds zero bytes, text never does.
    static func text(_ bytes: [UInt8]) -> String? {
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
