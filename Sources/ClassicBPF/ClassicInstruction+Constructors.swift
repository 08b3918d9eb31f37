// A small DSL for writing classic programs in Swift (tests, built-in programs), named after the
// mnemonics of `tcpdump -d` / bpf_asm: `.ldh(12)`, `.jeq(0x800, jt: 0, jf: 3)`, `.ret(0xffff)`.

extension ClassicInstruction {
    /// The opcode of `operation` (the inverse of ``operation``).
    public init(_ operation: ClassicOperation, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32 = 0) {
        let code: UInt16 =
            switch operation {
            case .loadAbsolute(let size): 0x20 | size.rawValue
            case .loadIndirect(let size): 0x40 | size.rawValue
            case .loadLength: 0x80
            case .loadImmediate: 0x00
            case .loadScratch: 0x60
            case .loadXLength: 0x81
            case .loadXImmediate: 0x01
            case .loadXScratch: 0x61
            case .loadXHeaderLength: 0xb1
            case .storeA: 0x02
            case .storeX: 0x03
            case .alu(let op, let operand): 0x04 | op.rawValue | operand.rawValue
            case .negate: 0x84
            case .jumpAlways: 0x05
            case .jump(let condition, let operand): 0x05 | condition.rawValue | operand.rawValue
            case .returnK: 0x06
            case .returnA: 0x16
            case .moveAToX: 0x07
            case .moveXToA: 0x87
            }
        self.init(code: code, jt: jt, jf: jf, k: k)
    }

    /// `ld [k]`: A = 4 bytes at `k`.
    public static func ld(_ k: UInt32) -> Self { Self(.loadAbsolute(.word), k: k) }
    /// `ldh [k]`.
    public static func ldh(_ k: UInt32) -> Self { Self(.loadAbsolute(.half), k: k) }
    /// `ldb [k]`.
    public static func ldb(_ k: UInt32) -> Self { Self(.loadAbsolute(.byte), k: k) }
    /// `ld [x + k]`.
    public static func ldInd(_ k: UInt32) -> Self { Self(.loadIndirect(.word), k: k) }
    /// `ldh [x + k]`.
    public static func ldhInd(_ k: UInt32) -> Self { Self(.loadIndirect(.half), k: k) }
    /// `ldb [x + k]`.
    public static func ldbInd(_ k: UInt32) -> Self { Self(.loadIndirect(.byte), k: k) }
    /// An ancillary load of `field` (`ld #proto` …), 4 bytes wide as bpf_asm writes it.
    public static func ld(_ field: AncillaryField) -> Self { Self(.loadAbsolute(.word), k: field.k) }
    /// `ld #len`.
    public static var ldLen: Self { Self(.loadLength) }
    /// `ld #k`.
    public static func ldImm(_ k: UInt32) -> Self { Self(.loadImmediate, k: k) }
    /// `ld M[k]`.
    public static func ldMem(_ k: UInt32) -> Self { Self(.loadScratch, k: k) }
    /// `ldx #len`.
    public static var ldxLen: Self { Self(.loadXLength) }
    /// `ldx #k`.
    public static func ldxImm(_ k: UInt32) -> Self { Self(.loadXImmediate, k: k) }
    /// `ldx M[k]`.
    public static func ldxMem(_ k: UInt32) -> Self { Self(.loadXScratch, k: k) }
    /// `ldxb 4*([k]&0xf)`.
    public static func ldxMsh(_ k: UInt32) -> Self { Self(.loadXHeaderLength, k: k) }
    /// `st M[k]`.
    public static func st(_ k: UInt32) -> Self { Self(.storeA, k: k) }
    /// `stx M[k]`.
    public static func stx(_ k: UInt32) -> Self { Self(.storeX, k: k) }
    /// `op #k`: A = A op k.
    public static func alu(_ op: ClassicALUOperation, _ k: UInt32) -> Self { Self(.alu(op, .k), k: k) }
    /// `op x`: A = A op X.
    public static func aluX(_ op: ClassicALUOperation) -> Self { Self(.alu(op, .x)) }
    /// `neg`.
    public static var neg: Self { Self(.negate) }
    /// `ja k`.
    public static func ja(_ k: UInt32) -> Self { Self(.jumpAlways, k: k) }
    /// `jeq #k, jt, jf`.
    public static func jeq(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self { Self(.jump(.equal, .k), jt: jt, jf: jf, k: k) }
    /// `jgt #k, jt, jf`.
    public static func jgt(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self { Self(.jump(.greater, .k), jt: jt, jf: jf, k: k) }
    /// `jge #k, jt, jf`.
    public static func jge(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self {
        Self(.jump(.greaterOrEqual, .k), jt: jt, jf: jf, k: k)
    }
    /// `jset #k, jt, jf`.
    public static func jset(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self { Self(.jump(.set, .k), jt: jt, jf: jf, k: k) }
    /// A conditional jump comparing A with X.
    public static func jumpX(_ condition: ClassicJumpCondition, jt: UInt8, jf: UInt8) -> Self {
        Self(.jump(condition, .x), jt: jt, jf: jf)
    }
    /// `ret #k`.
    public static func ret(_ k: UInt32) -> Self { Self(.returnK, k: k) }
    /// `ret a`.
    public static var retA: Self { Self(.returnA) }
    /// `tax`.
    public static var tax: Self { Self(.moveAToX) }
    /// `txa`.
    public static var txa: Self { Self(.moveXToA) }
}
