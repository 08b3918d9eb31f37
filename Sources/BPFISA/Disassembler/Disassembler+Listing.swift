// Whole-program listings. The LLVM layout is objdump's:
//
//   0000000000000000 <drop_icmp>:          symbol header: byte address (slot * 8), 16 hex digits
//          0:	w0 = 0x0                      slot, right-aligned in 8 columns, ":\t", text
//          5:	if r3 > r2 goto +0xc <drop_icmp+0x90>   jump target, as symbol + byte offset
//          7:	r1 = 0x0 ll                   an lddw takes two slots: the next line is slot 9
//
// Blank line between functions, none before the first.

extension Disassembler {
    func llvmListing(of program: Program, symbols: [Int: String]) -> String {
        let symbolSlots = symbols.keys.sorted()
        var out = ""
        for index in program.instructions.indices {
            let slot = program.slotIndex(ofInstruction: index)
            if let name = symbols[slot] {
                if !out.isEmpty { out += "\n" }
                out += paddedHex(slot * Program.slotByteCount, digits: 16) + " <\(name)>:\n"
            }
            let instruction = program.instructions[index]
            out += rightAligned(slot, width: 8) + ":\t" + text(of: instruction)
            if !symbolSlots.isEmpty, let target = Self.llvmBranchTarget(of: instruction, atSlot: slot),
                let annotation = Self.symbolized(slot: target, symbols: symbols, sortedSlots: symbolSlots)
            {
                out += " <\(annotation)>"
            }
            out += "\n"
        }
        return out
    }

    /// The slot objdump annotates for a branch: `goto`, `gotol`, conditional jumps and
    /// `may_goto` (not calls), whenever LLVM decodes the instruction.
    static func llvmBranchTarget(of insn: Instruction, atSlot slot: Int) -> Int? {
        guard insn.instructionClass == .jmp || insn.instructionClass == .jmp32,
            llvmText(of: insn) != nil
        else { return nil }
        switch insn.opcode & 0xf0 {
        case JumpOperation.call.rawValue, JumpOperation.exit.rawValue: return nil
        case JumpOperation.ja.rawValue where insn.instructionClass == .jmp32: return slot + 1 + Int(insn.imm32)
        default: return slot + 1 + Int(insn.offset)
        }
    }

    /// `name` or `name+0x18` for the nearest symbol at or before `slot`.
    static func symbolized(slot: Int, symbols: [Int: String], sortedSlots: [Int]) -> String? {
        guard slot >= 0 else { return nil }
        // Binary search for the last symbol slot <= slot.
        var low = 0
        var high = sortedSlots.count
        while low < high {
            let mid = (low + high) / 2
            if sortedSlots[mid] <= slot { low = mid + 1 } else { high = mid }
        }
        guard low > 0, let name = symbols[sortedSlots[low - 1]] else { return nil }
        let byteOffset = (slot - sortedSlots[low - 1]) * Program.slotByteCount
        return byteOffset == 0 ? name : "\(name)+\(hex(byteOffset))"
    }

    func conformanceListing(of program: Program, symbols: [Int: String]) -> String {
        var out = ""
        for index in program.instructions.indices {
            let slot = program.slotIndex(ofInstruction: index)
            if let name = symbols[slot] { out += "\(name):\n" }
            out += text(of: program.instructions[index]) + "\n"
        }
        return out
    }
}
