import BPFABI
import BPFISA

// A context access resolved at translation, packed into the 64-bit `imm` of a context op so the
// loop reads one word and switches on the field (kernel `bpf_convert_ctx_access()` does the same
// work by emitting loads of `struct sk_buff`):
//
//   63        34   33   32   31..24  23..16          15..8       7..0
//   +---------+----+----+--------+---------------+-----------+---------+
//   |    0    | sx | nr | shift  | offset in cb  | byteCount |  field  |
//   +---------+----+----+--------+---------------+-----------+---------+
//   nr: narrow read, `(value >> shift) & mask(byteCount)`; sx: sign-extend the result (LDXSX).

/// The packed description of one context access (see the layout above).
struct ContextOperand {
    var packed: UInt64

    init(_ instruction: ContextInstruction) {
        let access = instruction.access
        var bits = UInt64(access.field.rawValue)
        bits |= UInt64(access.size.byteCount) << 8
        bits |= UInt64(access.offsetInField & 0xff) << 16
        if case .narrow(let shift, _)? = access.read {
            bits |= UInt64(shift & 0xff) << 24
            bits |= 1 << 32
        }
        if instruction.signExtend { bits |= 1 << 33 }
        packed = bits
    }

    @inline(__always) init(packed: UInt64) { self.packed = packed }

    @inline(__always) var fieldRawValue: UInt8 { UInt8(truncatingIfNeeded: packed) }
    @inline(__always) var byteCount: Int { Int(UInt8(truncatingIfNeeded: packed >> 8)) }
    @inline(__always) var offsetInField: Int { Int(UInt8(truncatingIfNeeded: packed >> 16)) }
    @inline(__always) var shift: UInt64 { (packed >> 24) & 0xff }
    @inline(__always) var isNarrow: Bool { packed & (1 << 32) != 0 }
    @inline(__always) var signExtends: Bool { packed & (1 << 33) != 0 }

    /// The pre-decoded op for a context access at instruction `insn`.
    static func op(for instruction: ContextInstruction, _ insn: Instruction) -> Op {
        let operand = ContextOperand(instruction)
        if instruction.access.kind.isWrite {
            if case .store(_, .immediate)? = insn.kind {
                // BPF_ST's immediate is 32 bits, sign-extended: it fits the op's offset exactly.
                return Op(.ctxStoreImm, offset: insn.imm32, imm: operand.packed)
            }
            return Op(.ctxStore, src: insn.src, imm: operand.packed)
        }
        if !instruction.signExtend {
            switch instruction.access.pointer {
            case .packet?: return Op(.ctxLoadPacketStart, dst: insn.dst)
            case .packetEnd?: return Op(.ctxLoadPacketEnd, dst: insn.dst)
            default: break
            }
        }
        return Op(.ctxLoad, dst: insn.dst, imm: operand.packed)
    }
}
