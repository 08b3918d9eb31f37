/// The interpreter's pre-decoded operations: one case per (operation × width × operand source),
/// so the hot loop never decodes an RFC 9669 opcode at run time (STYLE §4).
///
/// Naming: `<op><width><source>`; width 64 = ALU64/JMP, 32 = ALU/JMP32; `I` = immediate, `R` = register.
@usableFromInline
enum OpCode: UInt8, Sendable {
    // ALU64
    case add64I, add64R, sub64I, sub64R, mul64I, mul64R, div64I, div64R, sdiv64I, sdiv64R
    case or64I, or64R, and64I, and64R, lsh64I, lsh64R, rsh64I, rsh64R, neg64
    case mod64I, mod64R, smod64I, smod64R, xor64I, xor64R, mov64I, mov64R, arsh64I, arsh64R
    // ALU32: results zero-extended into the 64-bit register
    case add32I, add32R, sub32I, sub32R, mul32I, mul32R, div32I, div32R, sdiv32I, sdiv32R
    case or32I, or32R, and32I, and32R, lsh32I, lsh32R, rsh32I, rsh32R, neg32
    case mod32I, mod32R, smod32I, smod32R, xor32I, xor32R, mov32I, mov32R, arsh32I, arsh32R
    case movsx8to64, movsx16to64, movsx32to64, movsx8to32, movsx16to32
    // Byte order (little-endian host): `le` truncates, `be`/`bswap` swap then zero-extend.
    case truncate16, truncate32, swap16, swap32, swap64, nop
    // Jumps: `offset` is the distance in ops from the next op.
    case ja
    case jeq64I, jeq64R, jgt64I, jgt64R, jge64I, jge64R, jset64I, jset64R, jne64I, jne64R
    case jsgt64I, jsgt64R, jsge64I, jsge64R, jlt64I, jlt64R, jle64I, jle64R, jslt64I, jslt64R, jsle64I, jsle64R
    case jeq32I, jeq32R, jgt32I, jgt32R, jge32I, jge32R, jset32I, jset32R, jne32I, jne32R
    case jsgt32I, jsgt32R, jsge32I, jsge32R, jlt32I, jlt32R, jle32I, jle32R, jslt32I, jslt32R, jsle32I, jsle32R
    // Calls: helper (imm = index in the registry table), Linux helper (imm = its id), local (offset =
    // op distance), register (callx).
    case callHelper, callLinux, callLocal, callRegister, exit
    // Memory: address = r[src] + offset (loads) / r[dst] + offset (stores, atomics).
    case ldxb, ldxh, ldxw, ldxdw, ldxsb, ldxsh, ldxsw
    case stb, sth, stw, stdw, stxb, stxh, stxw, stxdw
    // Stack accesses through r10 with an offset proven in-frame at translation: no run-time check.
    case ldxbStack, ldxhStack, ldxwStack, ldxdwStack, stbStack, sthStack, stwStack, stdwStack
    case stxbStack, stxhStack, stxwStack, stxdwStack
    case atomicAdd32, atomicAdd64, atomicOr32, atomicOr64, atomicAnd32, atomicAnd64, atomicXor32, atomicXor64
    case atomicFetchAdd32, atomicFetchAdd64, atomicFetchOr32, atomicFetchOr64
    case atomicFetchAnd32, atomicFetchAnd64, atomicFetchXor32, atomicFetchXor64
    case atomicXchg32, atomicXchg64, atomicCmpxchg32, atomicCmpxchg64
    // Legacy packet loads: r0 = ntoh(packet[imm (+ r[src])]); out of range ends the program with r0 = 0.
    case ldAbsB, ldAbsH, ldAbsW, ldIndB, ldIndH, ldIndW
    // `__sk_buff` context accesses resolved at translation (Context/ContextOperand.swift): `imm` is
    // the packed field description; `ctxStoreImm` stores `offset`, sign-extended. The two packet
    // pointers get their own ops: nearly every tc program loads them.
    case ctxLoad, ctxLoadPacketStart, ctxLoadPacketEnd, ctxStore, ctxStoreImm
}

/// One pre-decoded operation, 16 bytes: registers resolved, immediates sign-extended to 64 bits,
/// jump distances in ops (LDDW fused into `mov64I`).
@usableFromInline
struct Op: Sendable {
    @usableFromInline var code: OpCode
    @usableFromInline var dst: UInt8
    @usableFromInline var src: UInt8
    @usableFromInline var reserved: UInt8 = 0
    @usableFromInline var offset: Int32
    @usableFromInline var imm: UInt64

    @usableFromInline
    init(_ code: OpCode, dst: UInt8 = 0, src: UInt8 = 0, offset: Int32 = 0, imm: UInt64 = 0) {
        self.code = code
        self.dst = dst
        self.src = src
        self.offset = offset
        self.imm = imm
    }
}
