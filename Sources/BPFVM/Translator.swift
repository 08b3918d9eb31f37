import BPFABI
import BPFISA

/// Translates a validated ``Program`` into pre-decoded ``Op``s, once, before any run.
///
/// Jump offsets change unit here: the program counts 8-byte slots (an LDDW takes two), the
/// op array counts ops (an LDDW is one `mov64I`). Helper ids become indexes into the run's
/// helper table, so an unknown id is a load error, not a run-time surprise.
struct Translator {
    let program: Program
    let helpers: HelperRegistry
    /// When set, context accesses are found (``ContextTracker``) and become context ops, and
    /// `call imm` ids the registry lacks are Linux helpers, checked against the type's table.
    var programType: ProgramType? = nil
    /// The maps `lddw` map references resolve against (handles, direct value addresses).
    var maps: MapSet? = nil
    /// Whether the program's license allows `gpl_only` helpers.
    var isGPLCompatible = true
    /// The context accesses a verifier found (instruction index -> access); nil: find them here.
    var verifiedContextAccesses: [Int: ContextAccess]? = nil
    /// Whether calls to the classic-BPF extension functions are allowed (a translated classic program).
    var allowsClassicExtensions = false

    struct Output {
        var ops: [Op]
        /// `slotOfOp[i]` is the slot where op `i` came from (for trap messages).
        var slotOfOp: [Int]
        /// Helpers referenced by `callHelper` ops, in table order.
        var helperTable: [HelperFunction]
    }

    func translate() throws(LoadError) -> Output {
        do {
            try program.validate()
            try program.validateFunctions()
        } catch { throw .invalidProgram(error) }
        var contextAccesses: [Int: ContextInstruction] = [:]
        if let verifiedContextAccesses {
            for (index, access) in verifiedContextAccesses {
                let signExtend = if case .load(_, true)? = program.instructions[index].kind { true } else { false }
                contextAccesses[index] = ContextInstruction(access: access, signExtend: signExtend)
            }
        } else if let programType {
            contextAccesses = try ContextTracker(program: program, programType: programType).analyze()
        }
        var ops = [Op]()
        ops.reserveCapacity(program.instructions.count)
        var helperTable = [HelperFunction]()
        var helperIndex = [Int32: Int]()
        for (index, insn) in program.instructions.enumerated() {
            let slot = program.slotIndex(ofInstruction: index)
            guard let kind = insn.kind else { throw .invalidProgram(DecodingError(slotIndex: slot, reason: .empty)) }
            var op = if let access = contextAccesses[index] {
                ContextOperand.op(for: access, insn)
            } else {
                try translate(insn, kind: kind, index: index, slot: slot)
            }
            if op.code == .callHelper {
                let id = insn.imm32
                if let programType {
                    if let refusal = HelperCallError.check(HelperID(id), programType: programType, isGPLCompatible: isGPLCompatible,
                                                           allowsClassicExtensions: allowsClassicExtensions) {
                        throw .helperRefused(refusal, slotIndex: slot)
                    }
                    if helpers[id] == nil {
                        guard Interpreter.implementedLinuxHelpers.contains(HelperID(id)) || HelperID(id).isClassicExtension else {
                            throw .unsupported("\(HelperID(id)) is not implemented by skbpf", slotIndex: slot)
                        }
                        ops.append(Op(.callLinux, imm: UInt64(UInt32(bitPattern: id))))
                        continue
                    }
                }
                guard let helper = helpers[id] else { throw .unknownHelper(id: id, slotIndex: slot) }
                if let existing = helperIndex[id] {
                    op.imm = UInt64(existing)
                } else {
                    helperIndex[id] = helperTable.count
                    op.imm = UInt64(helperTable.count)
                    helperTable.append(helper)
                }
            }
            ops.append(op)
        }
        let slotOfOp = program.instructions.indices.map { program.slotIndex(ofInstruction: $0) }
        return Output(ops: ops, slotOfOp: slotOfOp, helperTable: helperTable)
    }

    /// Op distance from the op after `index` to the instruction the slot-relative jump names.
    private func opDistance(from index: Int) -> Int32 {
        // validate() proved the target is an instruction start inside the program.
        let target = program.instructionIndex(atSlot: program.targetSlot(ofInstruction: index)!)!
        return Int32(target - (index + 1))
    }

    private func translate(_ insn: Instruction, kind: InstructionKind, index: Int, slot: Int) throws(LoadError) -> Op {
        let dst = insn.dst, src = insn.src
        let imm = UInt64(bitPattern: insn.imm)
        switch kind {
        case .alu(let operation, let is64, let source, let signed):
            let code = Self.aluCode(operation, is64: is64, register: source == .register, signed: signed)
            return Op(code, dst: dst, src: src, imm: imm)
        case .moveSignExtend(let bits, let is64):
            let code: OpCode = switch (bits, is64) {
            case (8, true): .movsx8to64
            case (16, true): .movsx16to64
            case (32, _): .movsx32to64
            case (8, false): .movsx8to32
            default: .movsx16to32
            }
            return Op(code, dst: dst, src: src)
        case .byteSwap(let conversion, let bits):
            let code: OpCode = switch (conversion, bits) {
            case (.toLittleEndian, 16): .truncate16
            case (.toLittleEndian, 32): .truncate32
            case (.toLittleEndian, _): .nop
            case (_, 16): .swap16
            case (_, 32): .swap32
            default: .swap64
            }
            return Op(code, dst: dst)
        case .jumpAlways:
            return Op(.ja, offset: opDistance(from: index))
        case .jump(let operation, let is32, let source):
            let code = Self.jumpCode(operation, is32: is32, register: source == .register)
            return Op(code, dst: dst, src: src, offset: opDistance(from: index), imm: imm)
        case .call(.helper):
            return Op(.callHelper, imm: imm)
        case .call(.local):
            return Op(.callLocal, offset: opDistance(from: index))
        case .call(.kernelFunction):
            throw .unsupported("kfunc call (src 2) needs kernel BTF (not supported)", slotIndex: slot)
        case .callRegister:
            return Op(.callRegister, dst: dst)
        case .exit:
            return Op(.exit)
        case .loadImmediate64(.value):
            return Op(.mov64I, dst: dst, imm: imm)
        case .loadImmediate64(let pseudo):
            return Op(.mov64I, dst: dst, imm: try mapReference(pseudo, imm: insn.imm, slot: slot))
        case .load(let size, let signExtend):
            let code: OpCode
            if src == Register.r10.rawValue && !signExtend && Self.isInFrame(insn.offset, size) {
                code = [.ldxbStack, .ldxhStack, .ldxwStack, .ldxdwStack][Self.sizeIndex(size)]
            } else if signExtend {
                code = [.ldxsb, .ldxsh, .ldxsw, .ldxsw][Self.sizeIndex(size)]
            } else {
                code = [.ldxb, .ldxh, .ldxw, .ldxdw][Self.sizeIndex(size)]
            }
            return Op(code, dst: dst, src: src, offset: Int32(insn.offset))
        case .store(let size, let source):
            let onStack = dst == Register.r10.rawValue && Self.isInFrame(insn.offset, size)
            let codes: [OpCode] = switch (source, onStack) {
            case (.immediate, true): [.stbStack, .sthStack, .stwStack, .stdwStack]
            case (.immediate, false): [.stb, .sth, .stw, .stdw]
            case (.register, true): [.stxbStack, .stxhStack, .stxwStack, .stxdwStack]
            case (.register, false): [.stxb, .stxh, .stxw, .stxdw]
            }
            return Op(codes[Self.sizeIndex(size)], dst: dst, src: src, offset: Int32(insn.offset), imm: imm)
        case .atomic(let operation, let fetch, let size):
            let is64 = size == .doubleWord
            let code: OpCode = switch (operation, fetch) {
            case (.add, false): is64 ? .atomicAdd64 : .atomicAdd32
            case (.or, false): is64 ? .atomicOr64 : .atomicOr32
            case (.and, false): is64 ? .atomicAnd64 : .atomicAnd32
            case (.xor, false): is64 ? .atomicXor64 : .atomicXor32
            case (.add, true): is64 ? .atomicFetchAdd64 : .atomicFetchAdd32
            case (.or, true): is64 ? .atomicFetchOr64 : .atomicFetchOr32
            case (.and, true): is64 ? .atomicFetchAnd64 : .atomicFetchAnd32
            case (.xor, true): is64 ? .atomicFetchXor64 : .atomicFetchXor32
            case (.exchange, _): is64 ? .atomicXchg64 : .atomicXchg32
            case (.compareExchange, _): is64 ? .atomicCmpxchg64 : .atomicCmpxchg32
            }
            return Op(code, dst: dst, src: src, offset: Int32(insn.offset))
        case .packetLoad(let size, let indirect):
            let codes: [OpCode] = indirect ? [.ldIndB, .ldIndH, .ldIndW] : [.ldAbsB, .ldAbsH, .ldAbsW]
            let code = switch size {
            case .byte: codes[0]
            case .half: codes[1]
            default: codes[2]
            }
            return Op(code, src: src, imm: imm)
        }
    }

    /// The value an `lddw` map reference loads: a map's handle (`map_fd`, `map_idx`; the fd of a
    /// program without an object is the map's index in the set) or the address of a byte of an
    /// array's single value (`map_value`, `map_idx_value`: index in the low 32 bits of the
    /// immediate, offset in the high 32), as the kernel resolves them at load time.
    private func mapReference(_ pseudo: LoadImmediateSource, imm: Int64, slot: Int) throws(LoadError) -> UInt64 {
        switch pseudo {
        case .mapFD, .mapIndex, .mapValue, .mapIndexValue: break
        default: throw .unsupported(Self.pseudoLoadMessage(pseudo), slotIndex: slot)
        }
        let index = Int(UInt32(truncatingIfNeeded: imm))
        guard let maps else {
            throw .invalidMapReference("lddw refers to map \(index), but the program was loaded without maps", slotIndex: slot)
        }
        guard index < maps.count else {
            throw .invalidMapReference("lddw refers to map \(index), but the program has \(maps.count) maps", slotIndex: slot)
        }
        if pseudo == .mapFD || pseudo == .mapIndex { return MapSet.handle(ofMapAt: index) }
        let offset = Int(Int32(truncatingIfNeeded: imm >> 32))
        guard let array = maps[index] as? ArrayMap, let address = array.directValueAddress(offset: offset) else {
            throw .invalidMapReference(
                "direct value access to map \(maps[index].name) at offset \(offset): only single-value arrays, inside the value",
                slotIndex: slot)
        }
        return UInt64(UInt(bitPattern: address))
    }

    /// Why an lddw with a pseudo source cannot run yet, naming the source as the kernel does
    /// (`BPF_PSEUDO_MAP_FD` -> `map_fd`, the assembler's and disassembler's spelling).
    static func pseudoLoadMessage(_ source: LoadImmediateSource) -> String {
        let (name, need) = switch source {
        case .value: ("imm", "nothing")  // not reached: translated as a plain value
        case .mapFD: ("map_fd", "an ELF loader/maps")
        case .mapValue: ("map_value", "an ELF loader/maps")
        case .mapIndex: ("map_idx", "an ELF loader/maps")
        case .mapIndexValue: ("map_idx_value", "an ELF loader/maps")
        case .variableAddress: ("btf_id", "kernel BTF")
        case .codeAddress: ("func", "callback helpers")
        }
        return "lddw with pseudo source \(name) needs \(need) (not supported yet)"
    }

    /// True when `r10 + offset` with `size` bytes lies inside the current 512-byte frame:
    /// r10 is read-only, so such accesses need no run-time check.
    static func isInFrame(_ offset: Int16, _ size: AccessSize) -> Bool {
        offset < 0 && Int(offset) >= -Interpreter.stackFrameSize && Int(offset) + size.byteCount <= 0
    }

    static func sizeIndex(_ size: AccessSize) -> Int {
        switch size {
        case .byte: 0
        case .half: 1
        case .word: 2
        case .doubleWord: 3
        }
    }

    static func aluCode(_ op: ALUOperation, is64: Bool, register: Bool, signed: Bool) -> OpCode {
        let pair: (OpCode, OpCode, OpCode, OpCode) = switch op {   // (64I, 64R, 32I, 32R)
        case .add: (.add64I, .add64R, .add32I, .add32R)
        case .sub: (.sub64I, .sub64R, .sub32I, .sub32R)
        case .mul: (.mul64I, .mul64R, .mul32I, .mul32R)
        case .div: signed ? (.sdiv64I, .sdiv64R, .sdiv32I, .sdiv32R) : (.div64I, .div64R, .div32I, .div32R)
        case .or: (.or64I, .or64R, .or32I, .or32R)
        case .and: (.and64I, .and64R, .and32I, .and32R)
        case .lsh: (.lsh64I, .lsh64R, .lsh32I, .lsh32R)
        case .rsh: (.rsh64I, .rsh64R, .rsh32I, .rsh32R)
        case .neg: (.neg64, .neg64, .neg32, .neg32)
        case .mod: signed ? (.smod64I, .smod64R, .smod32I, .smod32R) : (.mod64I, .mod64R, .mod32I, .mod32R)
        case .xor: (.xor64I, .xor64R, .xor32I, .xor32R)
        case .mov: (.mov64I, .mov64R, .mov32I, .mov32R)
        case .arsh: (.arsh64I, .arsh64R, .arsh32I, .arsh32R)
        case .end: (.nop, .nop, .nop, .nop)  // handled as .byteSwap
        }
        return is64 ? (register ? pair.1 : pair.0) : (register ? pair.3 : pair.2)
    }

    static func jumpCode(_ op: JumpOperation, is32: Bool, register: Bool) -> OpCode {
        let codes: (OpCode, OpCode, OpCode, OpCode) = switch op {   // (64I, 64R, 32I, 32R)
        case .jeq: (.jeq64I, .jeq64R, .jeq32I, .jeq32R)
        case .jgt: (.jgt64I, .jgt64R, .jgt32I, .jgt32R)
        case .jge: (.jge64I, .jge64R, .jge32I, .jge32R)
        case .jset: (.jset64I, .jset64R, .jset32I, .jset32R)
        case .jne: (.jne64I, .jne64R, .jne32I, .jne32R)
        case .jsgt: (.jsgt64I, .jsgt64R, .jsgt32I, .jsgt32R)
        case .jsge: (.jsge64I, .jsge64R, .jsge32I, .jsge32R)
        case .jlt: (.jlt64I, .jlt64R, .jlt32I, .jlt32R)
        case .jle: (.jle64I, .jle64R, .jle32I, .jle32R)
        case .jslt: (.jslt64I, .jslt64R, .jslt32I, .jslt32R)
        case .jsle: (.jsle64I, .jsle64R, .jsle32I, .jsle32R)
        case .ja, .call, .exit: (.ja, .ja, .ja, .ja)  // not conditional: handled above
        }
        return is32 ? (register ? codes.3 : codes.2) : (register ? codes.1 : codes.0)
    }
}
