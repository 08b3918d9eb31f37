// A small x86-64 machine-code emitter: just the instruction forms the native compiler uses.
//
// Encoding reminders (Intel SDM vol. 2, ch. 2):
//
//   [prefixes] [REX 0100WRXB] opcode [ModRM mod|reg|rm] [SIB] [disp8/32] [imm]
//
//   REX.W = 64-bit operand; REX.R extends ModRM.reg; REX.B extends ModRM.rm (or the +r register).
//   Memory operands here are always [base + disp]: mod 01 (disp8) or 10 (disp32), never 00, so
//   rbp/r13 as base need no special case; rsp/r12 as base need a SIB byte (0x24).
//   A byte register operand 4–7 (spl, bpl, sil, dil) needs a REX prefix, even an empty one (0x40).

/// An x86-64 general-purpose register, numbered as the encoding numbers it.
enum X86Register: UInt8 {
    case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15

    var low: UInt8 { rawValue & 7 }
    var isExtended: Bool { rawValue >= 8 }
}

/// Operand width of an integer operation.
enum X86Width {
    case byte, word, dword, qword
}

/// Condition codes of `jcc` (the low nibble of 0F 8x).
enum X86Condition: UInt8 {
    case overflow = 0x0, below = 0x2, aboveOrEqual = 0x3, equal = 0x4, notEqual = 0x5, belowOrEqual = 0x6
    case above = 0x7, sign = 0x8, less = 0xc, greaterOrEqual = 0xd, lessOrEqual = 0xe, greater = 0xf
}

/// The two-operand ALU group (`op r/m, r` opcode; `81 /digit` with an immediate).
enum X86Arithmetic: UInt8 {
    case add = 0, or = 1, and = 4, sub = 5, xor = 6, cmp = 7

    var registerOpcode: UInt8 {
        switch self {
        case .add: 0x01
        case .or: 0x09
        case .and: 0x21
        case .sub: 0x29
        case .xor: 0x31
        case .cmp: 0x39
        }
    }
}

/// Shift group (`C1 /digit ib`, `D3 /digit` by cl).
enum X86Shift: UInt8 {
    case rol = 0, ror = 1, shl = 4, shr = 5, sar = 7
}

/// Machine code being built, with labels resolved when they are bound.
struct X86Emitter {
    private(set) var bytes: [UInt8] = []
    /// Where each label was bound (byte offset), or nil.
    private var labels: [Int?] = []
    /// rel32 fields to patch: (offset of the field, label).
    private var fixups: [(field: Int, label: Int)] = []

    var count: Int { bytes.count }

    mutating func newLabel() -> Int {
        labels.append(nil)
        return labels.count - 1
    }

    mutating func bind(_ label: Int) {
        labels[label] = bytes.count
    }

    /// The code with every label reference patched; nil if a label was never bound.
    func finished() -> [UInt8]? {
        var code = bytes
        for fixup in fixups {
            guard let target = labels[fixup.label] else { return nil }
            let relative = Int32(truncatingIfNeeded: target - (fixup.field + 4))
            withUnsafeBytes(of: relative.littleEndian) { raw in
                for i in 0..<4 { code[fixup.field + i] = raw[i] }
            }
        }
        return code
    }

    // MARK: Raw bytes

    private mutating func byte(_ value: UInt8) { bytes.append(value) }

    private mutating func int32(_ value: Int32) {
        let v = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private mutating func int64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// REX prefix; emitted when any bit is set or `force` (byte registers 4–7).
    private mutating func rex(w: Bool, reg: UInt8 = 0, base: UInt8 = 0, force: Bool = false) {
        let value: UInt8 = 0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (base >= 8 ? 1 : 0)
        if value != 0x40 || force { byte(value) }
    }

    /// ModRM for a register-direct operand.
    private mutating func modrmDirect(reg: UInt8, rm: UInt8) {
        byte(0xc0 | (reg & 7) << 3 | (rm & 7))
    }

    /// ModRM (+SIB, +displacement) for `[base + displacement]`.
    private mutating func modrmMemory(reg: UInt8, base: X86Register, displacement: Int32) {
        let fitsByte = displacement >= -128 && displacement <= 127
        byte((fitsByte ? 0x40 : 0x80) | (reg & 7) << 3 | base.low)
        if base.low == 4 { byte(0x24) }  // SIB: base only, no index
        if fitsByte { byte(UInt8(bitPattern: Int8(displacement))) } else { int32(displacement) }
    }

    // MARK: Register moves and constants

    /// `mov dst, src` (64-bit), or the 32-bit form, which zero-extends.
    mutating func mov(_ dst: X86Register, _ src: X86Register, width: X86Width = .qword) {
        rex(w: width == .qword, reg: src.rawValue, base: dst.rawValue)
        byte(0x89)
        modrmDirect(reg: src.rawValue, rm: dst.rawValue)
    }

    /// Loads a 64-bit constant with the shortest form: `xor r32, r32`, `mov r32, imm32`
    /// (zero-extends), `mov r/m64, imm32` (sign-extends) or `movabs`.
    mutating func mov(_ dst: X86Register, immediate value: UInt64) {
        if value == 0 {
            arithmetic(.xor, dst, dst, width: .dword)
        } else if value <= UInt64(UInt32.max) {
            rex(w: false, base: dst.rawValue)
            byte(0xb8 + dst.low)
            int32(Int32(bitPattern: UInt32(value)))
        } else if let small = Int32(exactly: Int64(bitPattern: value)) {
            rex(w: true, base: dst.rawValue)
            byte(0xc7)
            modrmDirect(reg: 0, rm: dst.rawValue)
            int32(small)
        } else {
            rex(w: true, base: dst.rawValue)
            byte(0xb8 + dst.low)
            int64(value)
        }
    }

    // MARK: ALU

    /// `op dst, src` for add/or/and/sub/xor/cmp, 32- or 64-bit.
    mutating func arithmetic(_ op: X86Arithmetic, _ dst: X86Register, _ src: X86Register, width: X86Width) {
        rex(w: width == .qword, reg: src.rawValue, base: dst.rawValue)
        byte(op.registerOpcode)
        modrmDirect(reg: src.rawValue, rm: dst.rawValue)
    }

    /// `op dst, imm32` (sign-extended to 64 bits in the 64-bit form).
    mutating func arithmetic(_ op: X86Arithmetic, _ dst: X86Register, immediate: Int32, width: X86Width) {
        rex(w: width == .qword, base: dst.rawValue)
        if immediate >= -128 && immediate <= 127 {
            byte(0x83)
            modrmDirect(reg: op.rawValue, rm: dst.rawValue)
            byte(UInt8(bitPattern: Int8(immediate)))
        } else {
            byte(0x81)
            modrmDirect(reg: op.rawValue, rm: dst.rawValue)
            int32(immediate)
        }
    }

    /// `op dst, [base + displacement]` (add/sub/… with a memory source), 64-bit.
    mutating func arithmetic(_ op: X86Arithmetic, _ dst: X86Register, memory base: X86Register, _ displacement: Int32) {
        rex(w: true, reg: dst.rawValue, base: base.rawValue)
        byte(op.registerOpcode + 2)  // the `r, r/m` direction
        modrmMemory(reg: dst.rawValue, base: base, displacement: displacement)
    }

    /// `op qword [base + displacement], imm32` (the 64-bit form, immediate sign-extended).
    mutating func arithmetic(_ op: X86Arithmetic, memory base: X86Register, _ displacement: Int32, immediate: Int32) {
        rex(w: true, base: base.rawValue)
        let isSmall = immediate >= -128 && immediate <= 127
        byte(isSmall ? 0x83 : 0x81)
        modrmMemory(reg: op.rawValue, base: base, displacement: displacement)
        if isSmall { byte(UInt8(bitPattern: Int8(immediate))) } else { int32(immediate) }
    }

    /// `test a, b`.
    mutating func test(_ a: X86Register, _ b: X86Register, width: X86Width) {
        rex(w: width == .qword, reg: b.rawValue, base: a.rawValue)
        byte(0x85)
        modrmDirect(reg: b.rawValue, rm: a.rawValue)
    }

    /// `test a, imm32`.
    mutating func test(_ a: X86Register, immediate: Int32, width: X86Width) {
        rex(w: width == .qword, base: a.rawValue)
        byte(0xf7)
        modrmDirect(reg: 0, rm: a.rawValue)
        int32(immediate)
    }

    /// `imul dst, src`.
    mutating func multiply(_ dst: X86Register, _ src: X86Register, width: X86Width) {
        rex(w: width == .qword, reg: dst.rawValue, base: src.rawValue)
        byte(0x0f)
        byte(0xaf)
        modrmDirect(reg: dst.rawValue, rm: src.rawValue)
    }

    /// `imul dst, dst, imm32`.
    mutating func multiply(_ dst: X86Register, immediate: Int32, width: X86Width) {
        rex(w: width == .qword, reg: dst.rawValue, base: dst.rawValue)
        byte(0x69)
        modrmDirect(reg: dst.rawValue, rm: dst.rawValue)
        int32(immediate)
    }

    /// `neg dst`.
    mutating func negate(_ dst: X86Register, width: X86Width) {
        rex(w: width == .qword, base: dst.rawValue)
        byte(0xf7)
        modrmDirect(reg: 3, rm: dst.rawValue)
    }

    /// `shl/shr/sar/ror dst, count` (the CPU masks the count as eBPF does: 63 or 31). A 16-bit
    /// width takes the operand-size prefix (for `ror r16, 8`).
    mutating func shift(_ kind: X86Shift, _ dst: X86Register, count: UInt8, width: X86Width) {
        if width == .word { byte(0x66) }
        rex(w: width == .qword, base: dst.rawValue)
        byte(0xc1)
        modrmDirect(reg: kind.rawValue, rm: dst.rawValue)
        byte(count)
    }

    /// `shl/shr/sar dst, cl`.
    mutating func shiftByCL(_ kind: X86Shift, _ dst: X86Register, width: X86Width) {
        rex(w: width == .qword, base: dst.rawValue)
        byte(0xd3)
        modrmDirect(reg: kind.rawValue, rm: dst.rawValue)
    }

    /// `movzx dst32, src8/16` or `movsx dst, src8/16/32` (`movsxd`), register to register.
    mutating func extend(_ dst: X86Register, _ src: X86Register, from: X86Width, signed: Bool, to: X86Width) {
        switch from {
        case .byte, .word:
            rex(w: to == .qword, reg: dst.rawValue, base: src.rawValue, force: from == .byte && src.rawValue >= 4)
            byte(0x0f)
            byte((signed ? 0xbe : 0xb6) + (from == .word ? 1 : 0))
        case .dword:
            if signed {
                rex(w: true, reg: dst.rawValue, base: src.rawValue)
                byte(0x63)
            } else {
                rex(w: false, reg: dst.rawValue, base: src.rawValue)
                byte(0x8b)
            }
        case .qword:
            preconditionFailure("nothing to extend")
        }
        modrmDirect(reg: dst.rawValue, rm: src.rawValue)
    }

    /// `bswap r32/r64`.
    mutating func byteSwap(_ dst: X86Register, width: X86Width) {
        rex(w: width == .qword, base: dst.rawValue)
        byte(0x0f)
        byte(0xc8 + dst.low)
    }

    // MARK: Memory

    /// Loads `width` bytes from `[base + displacement]` into `dst`, zero- or sign-extended to 64 bits.
    mutating func load(_ dst: X86Register, _ base: X86Register, _ displacement: Int32, width: X86Width, signed: Bool = false) {
        switch (width, signed) {
        case (.byte, _), (.word, _):
            rex(w: signed, reg: dst.rawValue, base: base.rawValue)
            byte(0x0f)
            byte((signed ? 0xbe : 0xb6) + (width == .word ? 1 : 0))
        case (.dword, false):
            rex(w: false, reg: dst.rawValue, base: base.rawValue)
            byte(0x8b)
        case (.dword, true):
            rex(w: true, reg: dst.rawValue, base: base.rawValue)
            byte(0x63)
        case (.qword, _):
            rex(w: true, reg: dst.rawValue, base: base.rawValue)
            byte(0x8b)
        }
        modrmMemory(reg: dst.rawValue, base: base, displacement: displacement)
    }

    /// Stores the low `width` bytes of `src` at `[base + displacement]`.
    mutating func store(_ src: X86Register, _ base: X86Register, _ displacement: Int32, width: X86Width) {
        if width == .word { byte(0x66) }
        rex(w: width == .qword, reg: src.rawValue, base: base.rawValue, force: width == .byte && src.rawValue >= 4)
        byte(width == .byte ? 0x88 : 0x89)
        modrmMemory(reg: src.rawValue, base: base, displacement: displacement)
    }

    /// Stores an immediate of `width` bytes (a qword store sign-extends the 32-bit immediate).
    mutating func store(immediate: Int32, _ base: X86Register, _ displacement: Int32, width: X86Width) {
        if width == .word { byte(0x66) }
        rex(w: width == .qword, base: base.rawValue)
        byte(width == .byte ? 0xc6 : 0xc7)
        modrmMemory(reg: 0, base: base, displacement: displacement)
        switch width {
        case .byte: byte(UInt8(truncatingIfNeeded: immediate))
        case .word:
            byte(UInt8(truncatingIfNeeded: immediate))
            byte(UInt8(truncatingIfNeeded: immediate >> 8))
        case .dword, .qword: int32(immediate)
        }
    }

    /// `lock add/or/and/xor [base + displacement], src`.
    mutating func lockedArithmetic(_ op: X86Arithmetic, _ base: X86Register, _ displacement: Int32, _ src: X86Register,
                                   width: X86Width) {
        byte(0xf0)
        rex(w: width == .qword, reg: src.rawValue, base: base.rawValue)
        byte(op.registerOpcode)
        modrmMemory(reg: src.rawValue, base: base, displacement: displacement)
    }

    /// `lock xadd [base + displacement], src`: src receives the old value.
    mutating func lockedExchangeAdd(_ base: X86Register, _ displacement: Int32, _ src: X86Register, width: X86Width) {
        byte(0xf0)
        rex(w: width == .qword, reg: src.rawValue, base: base.rawValue)
        byte(0x0f)
        byte(0xc1)
        modrmMemory(reg: src.rawValue, base: base, displacement: displacement)
    }

    /// `xchg [base + displacement], src` (always locked).
    mutating func exchange(_ base: X86Register, _ displacement: Int32, _ src: X86Register, width: X86Width) {
        rex(w: width == .qword, reg: src.rawValue, base: base.rawValue)
        byte(0x87)
        modrmMemory(reg: src.rawValue, base: base, displacement: displacement)
    }

    /// `lock cmpxchg [base + displacement], src`: compares with rax, which receives the old value.
    mutating func lockedCompareExchange(_ base: X86Register, _ displacement: Int32, _ src: X86Register, width: X86Width) {
        byte(0xf0)
        rex(w: width == .qword, reg: src.rawValue, base: base.rawValue)
        byte(0x0f)
        byte(0xb1)
        modrmMemory(reg: src.rawValue, base: base, displacement: displacement)
    }

    // MARK: Control flow

    mutating func jump(to label: Int) {
        byte(0xe9)
        fixups.append((bytes.count, label))
        int32(0)
    }

    mutating func jump(if condition: X86Condition, to label: Int) {
        byte(0x0f)
        byte(0x80 | condition.rawValue)
        fixups.append((bytes.count, label))
        int32(0)
    }

    mutating func call(_ label: Int) {
        byte(0xe8)
        fixups.append((bytes.count, label))
        int32(0)
    }

    /// `call reg`.
    mutating func call(register: X86Register) {
        rex(w: false, base: register.rawValue)
        byte(0xff)
        modrmDirect(reg: 2, rm: register.rawValue)
    }

    mutating func push(_ register: X86Register) {
        rex(w: false, base: register.rawValue)
        byte(0x50 + register.low)
    }

    mutating func pop(_ register: X86Register) {
        rex(w: false, base: register.rawValue)
        byte(0x58 + register.low)
    }

    mutating func ret() { byte(0xc3) }
}
