// Syntax both dialects share: label definitions, jump targets, `.8byte` raw slots and the
// pseudo forms of lddw.
//
// lddw pseudo sources (kernel BPF_PSEUDO_*, the `src` field of the first slot). The LLVM
// dialect writes them as `r1 = map_fd(3) ll` (the `ll` is optional), the conformance dialect
// as `lddw %r1, map_fd(3)`:
//
//   map_fd(FD)                src 1  imm = FD                       BPF_PSEUDO_MAP_FD
//   map_value(FD, OFF)        src 2  imm = FD, second imm = OFF      BPF_PSEUDO_MAP_VALUE
//   btf_id(ID)                src 3  imm = BTF id of a kernel variable
//   func(LABEL) / func(+N)    src 4  imm = slot distance to a function (like a local call)
//   map_idx(I)                src 5  imm = index into the program's map array
//   map_idx_value(I, OFF)     src 6  imm = I, second imm = OFF
//
// objdump prints these as `ld_pseudo r1, 0x1, 0x3` (src, then the low 32 bits), which the LLVM
// dialect also reads.

/// Where a jump goes: a relative distance in slots as written, or a label to resolve.
enum JumpTarget {
    case relative(Int64)
    case label(LabelReference)
}

extension AssemblyTokenCursor {
    /// Consumes `name:` definitions at the start of a line.
    mutating func parseLabelDefinitions(into builder: inout ProgramBuilder) throws(AssemblyError) {
        while current.kind == .identifier, peek().isPunctuation(":") {
            let name = advance()
            advance()
            try builder.defineLabel(name.text, line: line.number, column: name.column)
        }
    }

    /// `+3`, `-0x2`, `3` (a distance in slots) or a label name.
    mutating func jumpTarget(
        _ range: NumberRange, field: LabelField, _ context: String? = nil
    ) throws(AssemblyError) -> JumpTarget {
        if current.kind == .identifier {
            let name = advance()
            return .label(LabelReference(name: name.text, field: field, line: line.number, column: name.column))
        }
        guard isAtNumber else {
            throw error(
                AssemblyMessage.expected("a label or a relative jump like '+3'", context, found: current.quoted))
        }
        return .relative(try signedNumber(range, what: "jump target", context).value)
    }

    /// The word before the current token, for "after 'x'" contexts.
    var afterPrevious: String? {
        index > 0 ? "after '\(tokens[index - 1].text)'" : nil
    }

    // MARK: lddw pseudo sources

    private static let pseudoSources: [String: LoadImmediateSource] = [
        "map_fd": .mapFD, "map_value": .mapValue, "btf_id": .variableAddress, "func": .codeAddress,
        "map_idx": .mapIndex, "map_idx_value": .mapIndexValue,
    ]

    /// True if a pseudo lddw form (`map_fd(`…) starts here.
    var isAtPseudoLoadImmediate: Bool {
        current.kind == .identifier && Self.pseudoSources[current.text] != nil && peek().isPunctuation("(")
    }

    /// Reads `map_fd(3)`, `map_value(3, 0x10)`, `func(label)`…: the pseudo source, the 64-bit
    /// immediate and, for `func(label)`, the label to patch into the low half.
    mutating func pseudoLoadImmediate() throws(AssemblyError) -> (LoadImmediateSource, Int64, LabelReference?) {
        let name = advance()
        guard let source = Self.pseudoSources[name.text] else {
            throw error(AssemblyMessage.expected("a pseudo source like 'map_fd(N)'", found: name.quoted), at: name)
        }
        try expect("(", "after '\(name.text)'")
        var imm: Int64 = 0
        var reference: LabelReference?
        if source == .codeAddress {
            switch try jumpTarget(.jump32, field: .immediate, "in func(...)") {
            case .relative(let distance): imm = Int64(UInt32(truncatingIfNeeded: distance))
            case .label(let label): reference = label
            }
        } else {
            let low = try signedNumber(.immediate32, what: "a number", "after '('").value
            imm = Int64(UInt32(truncatingIfNeeded: low))
            if source == .mapValue || source == .mapIndexValue {
                try expect(",", "between \(name.text)'s two numbers")
                let high = try signedNumber(.immediate32, what: "an offset", "after ','").value
                imm |= Int64(UInt32(truncatingIfNeeded: high)) << 32
            }
        }
        try expect(")", "to close \(name.text)(...)")
        return (source, imm, reference)
    }
}

extension ProgramBuilder {
    /// `.8byte VALUE`: one raw slot, the little-endian 64-bit value of its 8 bytes (the form
    /// the disassembler prints for encodings no mnemonic can carry). An lddw slot (opcode
    /// 0x18) is held until the next `.8byte` supplies its second half.
    mutating func appendSlotDirective(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) {
        let directive = cursor.advance()
        let value = UInt64(
            bitPattern: try cursor.signedNumber(.immediate64, what: "a 64-bit slot value", "after '.8byte'").value)
        try cursor.expectEnd()
        let location = SourceLocation(
            file: file, line: cursor.line.number, column: directive.column,
            text: cursor.text(from: directive))
        if let (first, firstLocation) = pendingWideSlot {
            pendingWideSlot = nil
            var wide = first
            wide.imm = Int64(bitPattern: UInt64(UInt32(bitPattern: first.imm32)) | (value >> 32) << 32)
            if value & 0xffff_ffff != 0 {
                // The second slot's opcode/registers/offset are not representable in an Instruction.
                throw cursor.error(AssemblyMessage.badSecondSlot(), at: directive)
            }
            try append(wide, location: firstLocation)
            return
        }
        let slot = Instruction.slot(value)
        if slot.isWide {
            try requireNoPendingSlot()
            pendingWideSlot = (slot, location)
        } else {
            try append(slot, location: location)
        }
    }
}
