// The binary form: the `struct sock_filter` array as the kernel takes it from SO_ATTACH_FILTER,
// one 8-byte record per instruction (code u16, jt u8, jf u8, k u32, little-endian on this host).

extension ClassicProgram {
    /// Decodes 8-byte records. Fails on an empty input, a length that is not a multiple of 8,
    /// or more than 4096 records; the instructions themselves are not checked (``ClassicChecker``).
    public init(decoding bytes: some Collection<UInt8>, fileName: String? = nil) throws(ClassicFormatError) {
        let bytes = Array(bytes)
        guard !bytes.isEmpty else { throw ClassicFormatError(fileName: fileName, message: ClassicFormatMessage.empty) }
        guard bytes.count % ClassicInstruction.byteCount == 0 else {
            throw ClassicFormatError(fileName: fileName, recordIndex: bytes.count / ClassicInstruction.byteCount,
                                     message: ClassicFormatMessage.notMultipleOfRecord(bytes.count))
        }
        let count = bytes.count / ClassicInstruction.byteCount
        guard count <= Self.maximumInstructionCount else {
            throw ClassicFormatError(fileName: fileName, recordIndex: Self.maximumInstructionCount,
                                     message: ClassicFormatMessage.tooLong(count))
        }
        var instructions: [ClassicInstruction] = []
        instructions.reserveCapacity(count)
        for record in 0..<count {
            let b = record * ClassicInstruction.byteCount
            instructions.append(ClassicInstruction(
                code: UInt16(bytes[b]) | UInt16(bytes[b + 1]) << 8, jt: bytes[b + 2], jf: bytes[b + 3],
                k: UInt32(bytes[b + 4]) | UInt32(bytes[b + 5]) << 8 | UInt32(bytes[b + 6]) << 16 | UInt32(bytes[b + 7]) << 24))
        }
        self.init(instructions)
    }

    /// The 8-byte records of this program.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(instructions.count * ClassicInstruction.byteCount)
        for insn in instructions {
            out.append(UInt8(truncatingIfNeeded: insn.code))
            out.append(UInt8(truncatingIfNeeded: insn.code >> 8))
            out.append(insn.jt)
            out.append(insn.jf)
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: insn.k >> UInt32(shift))) }
        }
        return out
    }
}
