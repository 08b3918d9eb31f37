/// One classic BPF instruction: the kernel's `struct sock_filter` (include/uapi/linux/filter.h),
/// libpcap's `struct bpf_insn`.
///
/// ```
///   record (8 bytes, host byte order: little-endian here)
///   +-----------+------+------+---------------------+
///   |   code    |  jt  |  jf  |          k          |
///   +-----------+------+------+---------------------+
///    0         1  2      3      4                   7
///
///   code, loads and stores        code, ALU and jumps        code, returns
///   +------+------+-------+       +--------+---+-------+     +--------+-------+
///   | mode | size | class |       |   op   | s | class |     |  rval  | class |
///   +------+------+-------+       +--------+---+-------+     +--------+-------+
///    7    5 4    3 2     0         7      4  3  2     0       4      3 2     0
/// ```
/// `jt`/`jf` are the forward distances (in instructions, from the next one) of a conditional
/// jump's two ways; `k` is the constant operand. Fields are kept raw, so decoding and encoding
/// round-trip even for instructions the checker refuses; ``operation`` is their meaning.
public struct ClassicInstruction: Hashable, Sendable {
    /// The 16-bit opcode (only the low byte is used by any defined instruction).
    public var code: UInt16
    /// Jump distance when a conditional jump's test is true.
    public var jt: UInt8
    /// Jump distance when it is false.
    public var jf: UInt8
    /// The constant: an offset, an immediate, a scratch slot, a jump distance (`ja`).
    public var k: UInt32

    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32 = 0) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    /// Bytes of one record in a binary program (`sizeof(struct sock_filter)`).
    public static let byteCount = 8

    /// The instruction class (the low three bits of ``code``).
    public var instructionClass: ClassicClass { ClassicClass(rawValue: UInt8(code & 0x07))! }
}

/// The class field of a classic opcode (`BPF_CLASS`).
public enum ClassicClass: UInt8, Sendable, CaseIterable {
    case ld = 0x00, ldx = 0x01, st = 0x02, stx = 0x03, alu = 0x04, jmp = 0x05, ret = 0x06, misc = 0x07
}
