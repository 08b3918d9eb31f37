/// Raw bytecode: 8-byte little-endian slots (RFC 9669 §3), the format of `.bin` files,
/// ELF program sections and the kernel's `bpf_insn` arrays.
extension Program {
    public static let slotByteCount = 8

    /// Decodes and validates raw bytecode: every field of every instruction, LDDW pairs,
    /// and every jump and call target.
    public init(decoding bytes: some Collection<UInt8>) throws(DecodingError) {
        let bytes = Array(bytes)
        guard !bytes.isEmpty else { throw DecodingError(slotIndex: 0, reason: .empty) }
        guard bytes.count % Self.slotByteCount == 0 else {
            throw DecodingError(slotIndex: bytes.count / Self.slotByteCount,
                                reason: .lengthNotMultipleOfSlot(byteCount: bytes.count))
        }
        let slotCount = bytes.count / Self.slotByteCount
        var instructions = [Instruction]()
        instructions.reserveCapacity(slotCount)
        var slot = 0
        while slot < slotCount {
            var insn = Self.decodeSlot(bytes, slot)
            if insn.isWide {
                guard slot + 1 < slotCount else {
                    throw DecodingError(slotIndex: slot, reason: .truncatedLoadImmediate)
                }
                let second = Self.decodeSlot(bytes, slot + 1)
                if let why = Self.secondSlotProblem(second) {
                    throw DecodingError(slotIndex: slot + 1, reason: .badLoadImmediateSecondSlot(why))
                }
                insn.imm = Int64(bitPattern: UInt64(UInt32(bitPattern: insn.imm32)) | UInt64(UInt32(bitPattern: second.imm32)) << 32)
            }
            instructions.append(insn)
            slot += insn.slotCount
        }
        self.init(instructions: instructions)
        try validate()
    }

    /// Checks every instruction's fields and every jump, call and code-address target.
    public func validate() throws(DecodingError) {
        try validateInstructionsAndTargets()
    }

    /// First slots of the program's functions: 0 and every local-call or code-address target.
    public var functionStartSlots: [Int] {
        var starts: Set<Int> = [0]
        for index in instructions.indices {
            switch instructions[index].kind {
            case .call(.local)?, .loadImmediate64(.codeAddress)?:
                if let target = targetSlot(ofInstruction: index) { starts.insert(target) }
            default: break
            }
        }
        return starts.sorted()
    }

    /// Checks the function structure the kernel's `check_subprogs` demands of a loaded program
    /// (calls resolved): jumps stay inside their function and every function ends in `exit`
    /// or an unconditional jump. Call after ``validate()``.
    public func validateFunctions() throws(DecodingError) {
        let starts = functionStartSlots
        func functionIndex(_ slot: Int) -> Int {
            var low = 0, high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= slot { low = mid } else { high = mid - 1 }
            }
            return low
        }
        for index in instructions.indices {
            let slot = slotIndex(ofInstruction: index)
            switch instructions[index].kind {
            case .jump?, .jumpAlways?:
                let target = targetSlot(ofInstruction: index)!
                if functionIndex(target) != functionIndex(slot) {
                    throw DecodingError(slotIndex: slot, reason: .jumpOutOfFunction(target: target))
                }
            default: break
            }
            let isLastOfFunction = index == instructions.count - 1 || starts.contains(slotIndex(ofInstruction: index + 1))
            if isLastOfFunction {
                switch instructions[index].kind {
                case .exit?, .jumpAlways?: break
                default: throw DecodingError(slotIndex: slot, reason: .functionFallsThrough)
                }
            }
        }
    }

    private func validateInstructionsAndTargets() throws(DecodingError) {
        guard !instructions.isEmpty else { throw DecodingError(slotIndex: 0, reason: .empty) }
        for index in instructions.indices {
            let slot = slotIndex(ofInstruction: index)
            let kind: InstructionKind
            do { kind = try instructions[index].validate() } catch {
                throw DecodingError(slotIndex: slot, reason: .invalidInstruction(error))
            }
            guard let target = targetSlot(ofInstruction: index) else { continue }
            let isCall: Bool = if case .call = kind { true } else if case .loadImmediate64 = kind { true } else { false }
            if target < 0 || target >= slotCount {
                throw DecodingError(slotIndex: slot, reason: isCall ? .callOutOfRange(target: target) : .jumpOutOfRange(target: target))
            }
            if instructionIndex(atSlot: target) == nil {
                throw DecodingError(slotIndex: slot, reason: isCall ? .callIntoLoadImmediate(target: target) : .jumpIntoLoadImmediate(target: target))
            }
        }
    }

    /// The raw bytecode of this program.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(slotCount * Self.slotByteCount)
        for insn in instructions {
            Self.appendSlot(&out, opcode: insn.opcode, dst: insn.dst, src: insn.src, offset: insn.offset, imm: insn.imm32)
            if insn.isWide {
                Self.appendSlot(&out, opcode: 0, dst: 0, src: 0, offset: 0, imm: Int32(truncatingIfNeeded: insn.imm >> 32))
            }
        }
        return out
    }

    private static func decodeSlot(_ bytes: [UInt8], _ slot: Int) -> Instruction {
        let b = slot * slotByteCount
        let offset = Int16(bitPattern: UInt16(bytes[b + 2]) | UInt16(bytes[b + 3]) << 8)
        let imm = Int32(bitPattern: UInt32(bytes[b + 4]) | UInt32(bytes[b + 5]) << 8
                        | UInt32(bytes[b + 6]) << 16 | UInt32(bytes[b + 7]) << 24)
        return Instruction(opcode: bytes[b], dst: bytes[b + 1] & 0x0f, src: bytes[b + 1] >> 4,
                           offset: offset, imm: Int64(imm))
    }

    private static func secondSlotProblem(_ second: Instruction) -> String? {
        if second.opcode != 0 { return "opcode must be 0, is \(hex(second.opcode))" }
        if second.dst != 0 { return "dst must be 0, is \(second.dst)" }
        if second.src != 0 { return "src must be 0, is \(second.src)" }
        if second.offset != 0 { return "offset must be 0, is \(second.offset)" }
        return nil
    }

    private static func appendSlot(_ out: inout [UInt8], opcode: UInt8, dst: UInt8, src: UInt8, offset: Int16, imm: Int32) {
        out.append(opcode)
        out.append((src & 0x0f) << 4 | (dst & 0x0f))
        let off = UInt16(bitPattern: offset)
        out.append(UInt8(truncatingIfNeeded: off))
        out.append(UInt8(truncatingIfNeeded: off >> 8))
        let i = UInt32(bitPattern: imm)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: i >> UInt32(shift))) }
    }
}
