public import BPFISA

/// An executable section as one instruction stream with its function names by slot: what
/// `llvm-objdump -d` lists under "Disassembly of section …", so that
/// `Disassembler().listing(of: code.program, symbols: code.symbols)` prints objdump's lines.
public struct ObjectCodeSection: Sendable {
    public var section: ObjectSection
    /// The whole section: its functions' instructions in order (bytes no function covers are
    /// decoded as they are, without validation).
    public var program: Program
    /// Function name by first slot (the section name at slot 0 when no function starts there).
    public var symbols: [Int: String]
}

extension BPFObjectFile {
    /// Every executable section with instructions, in section order.
    public var codeSections: [ObjectCodeSection] {
        sections.filter { $0.kind == .code && !$0.contents.isEmpty }.map { section in
            var instructions = [Instruction]()
            var symbols = [Int: String]()
            var offset = 0  // bytes covered so far
            for function in programs where function.sectionIndex == section.index {
                if function.sectionOffset > offset {
                    let start = section.contents.startIndex
                    instructions += Self.rawInstructions(section.contents[(start + offset)..<(start + function.sectionOffset)])
                }
                symbols[function.sectionOffset / Program.slotByteCount] = function.name
                instructions += function.program.instructions
                offset = function.sectionOffset + function.byteCount
            }
            if offset < section.contents.count {
                instructions += Self.rawInstructions(section.contents[(section.contents.startIndex + offset)...])
            }
            if symbols[0] == nil { symbols[0] = section.name }
            return ObjectCodeSection(section: section, program: Program(instructions: instructions), symbols: symbols)
        }
    }

    /// Slots as instructions, fields kept as they are (an lddw takes the next slot's imm).
    static func rawInstructions(_ bytes: ArraySlice<UInt8>) -> [Instruction] {
        let bytes = Array(bytes)
        let slotCount = bytes.count / Program.slotByteCount
        var instructions = [Instruction]()
        var slot = 0
        while slot < slotCount {
            let at = slot * Program.slotByteCount
            var instruction = Instruction(
                opcode: bytes[at], dst: bytes[at + 1] & 0x0f, src: bytes[at + 1] >> 4,
                offset: Int16(bitPattern: bytes.u16(at: at + 2)), imm: Int64(Int32(bitPattern: bytes.u32(at: at + 4))))
            if instruction.isWide {
                let high = slot + 1 < slotCount ? bytes.u32(at: at + 12) : 0
                instruction.imm = Int64(bitPattern: UInt64(bytes.u32(at: at + 4)) | UInt64(high) << 32)
            }
            instructions.append(instruction)
            slot += instruction.slotCount
        }
        return instructions
    }
}
