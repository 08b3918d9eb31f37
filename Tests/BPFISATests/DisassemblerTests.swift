import BPFISA
import Testing

/// One instruction and how each dialect prints it (LLVM text as llvm-objdump 21 prints it).
struct DisassemblyCase: CustomTestStringConvertible, Sendable {
    var instruction: Instruction
    var llvm: String
    var conformance: String

    init(
        _ opcode: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, imm: Int64 = 0,
        _ llvm: String, _ conformance: String
    ) {
        instruction = Instruction(opcode: opcode, dst: dst, src: src, offset: offset, imm: imm)
        self.llvm = llvm
        self.conformance = conformance
    }

    var testDescription: String { llvm }
}

@Suite struct DisassemblerTests {
    static let cases: [DisassemblyCase] = [
        // ALU64 / ALU, immediate and register operands
        .init(0xb7, dst: 0, imm: 1, "r0 = 0x1", "mov %r0, 1"),
        .init(0xb4, dst: 0, imm: 1, "w0 = 0x1", "mov32 %r0, 1"),
        .init(0xb7, dst: 2, imm: -1, "r2 = -0x1", "mov %r2, -1"),
        .init(0xb7, dst: 2, imm: Int64(Int32.min), "r2 = -0x80000000", "mov %r2, -2147483648"),
        .init(0xb4, dst: 0, imm: 0x7fff_ffff, "w0 = 0x7fffffff", "mov32 %r0, 0x7fffffff"),
        .init(0xbf, dst: 1, src: 2, "r1 = r2", "mov %r1, %r2"),
        .init(0xbc, dst: 1, src: 2, "w1 = w2", "mov32 %r1, %r2"),
        .init(0x07, dst: 1, imm: 22, "r1 += 0x16", "add %r1, 0x16"),
        .init(0x04, dst: 1, imm: -3, "w1 += -0x3", "add32 %r1, -3"),
        .init(0x1f, dst: 3, src: 4, "r3 -= r4", "sub %r3, %r4"),
        .init(0x2c, dst: 3, src: 4, "w3 *= w4", "mul32 %r3, %r4"),
        .init(0x37, dst: 1, imm: 10, "r1 /= 0xa", "div %r1, 10"),
        .init(0x37, dst: 1, offset: 1, imm: 10, "r1 s/= 0xa", "sdiv %r1, 10"),
        .init(0x3c, dst: 1, src: 2, offset: 1, "w1 s/= w2", "sdiv32 %r1, %r2"),
        .init(0x97, dst: 1, offset: 1, imm: 3, "r1 s%= 0x3", "smod %r1, 3"),
        .init(0x9c, dst: 1, src: 2, "w1 %= w2", "mod32 %r1, %r2"),
        .init(0x47, dst: 1, imm: 0xff, "r1 |= 0xff", "or %r1, 0xff"),
        .init(0x54, dst: 1, imm: -0x100, "w1 &= -0x100", "and32 %r1, -256"),
        .init(0x67, dst: 1, imm: 32, "r1 <<= 0x20", "lsh %r1, 0x20"),
        .init(0x7c, dst: 1, src: 2, "w1 >>= w2", "rsh32 %r1, %r2"),
        .init(0xc7, dst: 1, imm: 32, "r1 s>>= 0x20", "arsh %r1, 0x20"),
        .init(0xa4, dst: 1, imm: 1, "w1 ^= 0x1", "xor32 %r1, 1"),
        .init(0x87, dst: 1, "r1 = -r1", "neg %r1"),
        .init(0x84, dst: 1, "w1 = -w1", "neg32 %r1"),
        .init(0xbf, dst: 1, src: 2, offset: 8, "r1 = (s8)r2", "movsx864 %r1, %r2"),
        .init(0xbf, dst: 1, src: 2, offset: 32, "r1 = (s32)r2", "movsx3264 %r1, %r2"),
        .init(0xbc, dst: 1, src: 2, offset: 16, "w1 = (s16)w2", "movsx1632 %r1, %r2"),
        .init(0xdc, dst: 1, imm: 16, "r1 = be16 r1", "be16 %r1"),
        .init(0xd4, dst: 1, imm: 32, "r1 = le32 r1", "le32 %r1"),
        .init(0xd7, dst: 1, imm: 64, "r1 = bswap64 r1", "bswap64 %r1"),
        // Loads and stores
        .init(0x61, dst: 3, src: 1, offset: 0x50, "w3 = *(u32 *)(r1 + 0x50)", "ldxw %r3, [%r1+80]"),
        .init(0x79, dst: 1, src: 10, offset: -8, "r1 = *(u64 *)(r10 - 0x8)", "ldxdw %r1, [%r10-8]"),
        .init(0x71, dst: 1, src: 2, "w1 = *(u8 *)(r2 + 0x0)", "ldxb %r1, [%r2]"),
        .init(0x91, dst: 1, src: 2, offset: -4, "r1 = *(s8 *)(r2 - 0x4)", "ldxsb %r1, [%r2-4]"),
        .init(0x89, dst: 1, src: 2, offset: 2, "r1 = *(s16 *)(r2 + 0x2)", "ldxsh %r1, [%r2+2]"),
        .init(0x7b, dst: 10, src: 1, offset: -8, "*(u64 *)(r10 - 0x8) = r1", "stxdw [%r10-8], %r1"),
        .init(0x6b, dst: 10, src: 1, offset: -2, "*(u16 *)(r10 - 0x2) = w1", "stxh [%r10-2], %r1"),
        .init(0x62, dst: 10, offset: -4, imm: 5, "*(u32 *)(r10 - 0x4) = 0x5", "stw [%r10-4], 5"),
        .init(0x72, dst: 1, offset: 2, imm: 17, "*(u8 *)(r1 + 0x2) = 0x11", "stb [%r1+2], 0x11"),
        .init(0x7a, dst: 1, offset: -0x8000, imm: -1, "*(u64 *)(r1 - 0x8000) = -0x1", "stdw [%r1-32768], -1"),
        .init(0x18, dst: 1, imm: 0x1122_3344_5566_7788, "r1 = 0x1122334455667788 ll", "lddw %r1, 0x1122334455667788"),
        .init(0x18, dst: 0, imm: -1, "r0 = -0x1 ll", "lddw %r0, 0xffffffffffffffff"),
        .init(0x20, imm: 12, "r0 = *(u32 *)skb[0xc]", "ldabsw 0xc"),
        .init(0x50, src: 2, imm: 0, "r0 = *(u8 *)skb[r2]", "ldindb %r2, 0"),
        // Atomics
        .init(0xdb, dst: 10, src: 1, offset: -8, imm: 0x00, "lock *(u64 *)(r10 - 0x8) += r1", "lock add [%r10-8], %r1"),
        .init(
            0xc3, dst: 10, src: 1, offset: -4, imm: 0x40, "lock *(u32 *)(r10 - 0x4) |= w1", "lock or32 [%r10-4], %r1"),
        .init(
            0xdb, dst: 1, src: 2, imm: 0x51, "r2 = atomic_fetch_and((u64 *)(r1 + 0x0), r2)", "lock fetch and [%r1], %r2"
        ),
        .init(
            0xc3, dst: 1, src: 2, imm: 0xa1, "w2 = atomic_fetch_xor((u32 *)(r1 + 0x0), w2)",
            "lock fetch xor32 [%r1], %r2"),
        .init(0xdb, dst: 1, src: 2, offset: 8, imm: 0xe1, "r2 = xchg_64(r1 + 0x8, r2)", "lock xchg [%r1+8], %r2"),
        .init(0xc3, dst: 1, src: 2, imm: 0xf1, "w0 = cmpxchg32_32(r1 + 0x0, w0, w2)", "lock cmpxchg32 [%r1], %r2"),
        // Jumps and calls
        .init(0x2d, dst: 4, src: 3, offset: 8, "if r4 > r3 goto +0x8", "jgt %r4, %r3, +8"),
        .init(0xc6, dst: 1, offset: -3, imm: 5, "if w1 s< 0x5 goto -0x3", "jslt32 %r1, 5, -3"),
        .init(0x15, dst: 1, offset: 0, imm: -5, "if r1 == -0x5 goto +0x0", "jeq %r1, -5, +0"),
        .init(0x4e, dst: 1, src: 2, offset: 1, "if w1 & w2 goto +0x1", "jset32 %r1, %r2, +1"),
        .init(0x05, offset: 2, "goto +0x2", "ja +2"),
        .init(0x05, offset: -1, "goto -0x1", "ja -1"),
        .init(0x06, imm: 70000, "gotol +0x11170", "ja32 +70000"),
        .init(0x85, imm: 1, "call 0x1", "call 1"),
        .init(0x85, src: 1, imm: -1, "call -0x1", "call local -1"),
        .init(0x85, src: 2, imm: 7, "call 0x7", "call runtime 7"),
        .init(0x8d, dst: 2, "callx r2", "call %r2"),
        .init(0x95, "exit", "exit"),
    ]

    @Test(arguments: cases)
    func llvmText(_ test: DisassemblyCase) {
        #expect(Disassembler(dialect: .llvm).text(of: test.instruction) == test.llvm)
    }

    @Test(arguments: cases)
    func conformanceText(_ test: DisassemblyCase) {
        #expect(Disassembler(dialect: .conformance).text(of: test.instruction) == test.conformance)
    }

    @Test func defaultDialectIsLLVM() {
        #expect(Disassembler().dialect == .llvm)
    }

    /// Encodings LLVM's decoder rejects print as objdump prints them.
    @Test(arguments: [
        Instruction(opcode: 0x00), Instruction(opcode: 0x07, dst: 1, offset: 1),
        Instruction(opcode: 0x0f, dst: 12, src: 1),
        Instruction(opcode: 0x95, imm: 1), Instruction(opcode: 0xd4, dst: 1, imm: 8),
        Instruction(opcode: 0xdf, dst: 1, imm: 16),
        Instruction(opcode: 0x18, dst: 1, offset: 5, imm: 7), Instruction(opcode: 0x99, dst: 1, src: 2),
        Instruction(opcode: 0xdb, dst: 1, src: 2, imm: 0x10), Instruction(opcode: 0xcb, dst: 1, src: 2, imm: 0x00),
        Instruction(opcode: 0x86, imm: 1), Instruction(opcode: 0xbc, dst: 1, src: 2, offset: 32),
    ])
    func llvmUnknown(_ instruction: Instruction) {
        #expect(Disassembler().text(of: instruction) == "<unknown>")
    }

    /// Fields LLVM ignores stay ignored, as in objdump.
    @Test func llvmIgnoresUnusedFields() {
        let disassembler = Disassembler()
        #expect(disassembler.text(of: Instruction(opcode: 0x87, dst: 1, src: 3, offset: 7, imm: 9)) == "r1 = -r1")
        #expect(disassembler.text(of: Instruction(opcode: 0xbf, dst: 1, src: 2, imm: 5)) == "r1 = r2")
        #expect(disassembler.text(of: Instruction(opcode: 0x95, dst: 3, src: 4, offset: 5)) == "exit")
        #expect(
            disassembler.text(of: Instruction(opcode: 0xdb, dst: 1, src: 2, imm: 0x1000))
                == "lock *(u64 *)(r1 + 0x0) += r2")
    }

    @Test func llvmPrintsLLVMOnlyForms() {
        let disassembler = Disassembler()
        #expect(
            disassembler.text(of: Instruction(opcode: 0x18, dst: 1, src: 1, imm: 0x1_0000_0005))
                == "ld_pseudo\tr1, 0x1, 0x5")
        #expect(disassembler.text(of: Instruction(opcode: 0xe5, offset: 3)) == "may_goto +0x3")
        #expect(
            disassembler.text(of: Instruction(opcode: 0xbf, dst: 1, src: 2, offset: 1, imm: 0x10002))
                == "r1 = addr_space_cast(r2, 0x1, 0x2)")
        #expect(
            disassembler.text(of: Instruction(opcode: 0xdb, dst: 1, src: 2, offset: 3, imm: 0x100))
                == "r1 = load_acquire((u64 *)(r2 + 0x3))")
        #expect(
            disassembler.text(of: Instruction(opcode: 0xd3, dst: 1, src: 2, imm: 0x110))
                == "store_release((u8 *)(r1 + 0x0), w2)")
    }

    /// What the conformance syntax cannot carry comes out as `.8byte`, one per slot.
    @Test func conformanceFallsBackToRawDirectives() {
        let disassembler = Disassembler(dialect: .conformance)
        #expect(disassembler.text(of: Instruction(opcode: 0x04, dst: 0, src: 1, imm: 1)) == ".8byte 0x0000000100001004")
        #expect(disassembler.text(of: Instruction(opcode: 0xdc, dst: 1, imm: 48)) == ".8byte 0x00000030000001dc")
        #expect(
            disassembler.text(of: Instruction(opcode: 0x18, dst: 1, src: 1, imm: 0x2_0000_0005))
                == ".8byte 0x0000000500001118\n.8byte 0x0000000200000000")
        #expect(
            disassembler.text(of: Instruction(opcode: 0x18, dst: 1, src: 9, imm: 5))
                == ".8byte 0x0000000500009118\n.8byte 0x0000000000000000")
    }

    @Test func conformancePrintsPseudoLoadImmediates() {
        let disassembler = Disassembler(dialect: .conformance)
        func text(src: UInt8, imm: Int64) -> String {
            disassembler.text(of: Instruction(opcode: 0x18, dst: 1, src: src, imm: imm))
        }
        #expect(text(src: 1, imm: 3) == "lddw %r1, map_fd(3)")
        #expect(text(src: 2, imm: 0x10_0000_0003) == "lddw %r1, map_value(3, 16)")
        #expect(text(src: 3, imm: 77) == "lddw %r1, btf_id(77)")
        #expect(text(src: 4, imm: -2 & 0xffff_ffff) == "lddw %r1, func(-2)")
        #expect(text(src: 5, imm: 0) == "lddw %r1, map_idx(0)")
        #expect(text(src: 6, imm: 0x8_0000_0001) == "lddw %r1, map_idx_value(1, 8)")
    }

    @Test func conformanceKeepsInvalidButExpressibleFields() {
        let disassembler = Disassembler(dialect: .conformance)
        #expect(disassembler.text(of: Instruction(opcode: 0xb7, dst: 11, imm: 1)) == "mov %r11, 1")
        #expect(disassembler.text(of: Instruction(opcode: 0x0f, dst: 15, src: 12)) == "add %r15, %r12")
    }

    @Test func llvmListingMatchesObjdumpLayout() {
        let program = Program(instructions: [
            Instruction(opcode: 0xb7, dst: 0, imm: 0),
            Instruction(opcode: 0x15, dst: 1, offset: 2, imm: 0),
            Instruction(opcode: 0x18, dst: 2, imm: 0x1122_3344_5566_7788),
            Instruction(opcode: 0x95),
            Instruction(opcode: 0xb7, dst: 0, imm: 1),
            Instruction(opcode: 0x95),
        ])
        #expect(
            Disassembler().listing(of: program) == """
                       0:\tr0 = 0x0
                       1:\tif r1 == 0x0 goto +0x2
                       2:\tr2 = 0x1122334455667788 ll
                       4:\texit
                       5:\tr0 = 0x1
                       6:\texit

                """)
        #expect(
            Disassembler().listing(of: program, symbols: [0: "main", 5: "helper"]) == """
                0000000000000000 <main>:
                       0:\tr0 = 0x0
                       1:\tif r1 == 0x0 goto +0x2 <main+0x20>
                       2:\tr2 = 0x1122334455667788 ll
                       4:\texit

                0000000000000028 <helper>:
                       5:\tr0 = 0x1
                       6:\texit

                """)
    }

    @Test func conformanceListingIsAssembly() {
        let program = Program(instructions: [
            Instruction(opcode: 0xb7, dst: 0, imm: 0),
            Instruction(opcode: 0x05, offset: 1),
            Instruction(opcode: 0xb7, dst: 0, imm: 1),
            Instruction(opcode: 0x95),
        ])
        #expect(
            Disassembler(dialect: .conformance).listing(of: program, symbols: [0: "entry"]) == """
                entry:
                mov %r0, 0
                ja +1
                mov %r0, 1
                exit

                """)
    }
}
