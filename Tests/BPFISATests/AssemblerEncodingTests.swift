import BPFISA
import Testing

/// One instruction in both dialects and its exact encoding (8 or 16 bytes, as hex pairs).
/// The LLVM text is spelled the way `llvm-objdump` prints it, so the same table checks the
/// disassembler and (in `AssemblerObjdumpTests`) clang's assembler.
struct AssemblerEncodingCase: CustomTestStringConvertible, Sendable {
    var conformance: String?
    var llvm: String?
    var bytes: String
    /// False where clang's assembler reads the LLVM text differently (our extensions, and
    /// `call -N`, which we take for a local call).
    var clangAgrees = true

    var testDescription: String { conformance ?? llvm ?? bytes }

    static let all: [AssemblerEncodingCase] = [
        // ALU, 64 and 32 bits, K and X
        .init(conformance: "mov %r0, 1", llvm: "r0 = 0x1", bytes: "b7 00 00 00 01 00 00 00"),
        .init(conformance: "mov32 %r0, 1", llvm: "w0 = 0x1", bytes: "b4 00 00 00 01 00 00 00"),
        .init(conformance: "mov64 %r1, %r2", llvm: "r1 = r2", bytes: "bf 21 00 00 00 00 00 00"),
        .init(conformance: "mov32 %r1, %r2", llvm: "w1 = w2", bytes: "bc 21 00 00 00 00 00 00"),
        .init(conformance: "add %r1, -1", llvm: "r1 += -0x1", bytes: "07 01 00 00 ff ff ff ff"),
        .init(conformance: "add32 %r1, 0xffffffff", llvm: "w1 += -0x1", bytes: "04 01 00 00 ff ff ff ff"),
        .init(conformance: "sub %r1, %r2", llvm: "r1 -= r2", bytes: "1f 21 00 00 00 00 00 00"),
        .init(conformance: "mul32 %r3, 7", llvm: "w3 *= 0x7", bytes: "24 03 00 00 07 00 00 00"),
        .init(conformance: "div %r1, %r2", llvm: "r1 /= r2", bytes: "3f 21 00 00 00 00 00 00"),
        .init(conformance: "sdiv %r1, %r2", llvm: "r1 s/= r2", bytes: "3f 21 01 00 00 00 00 00"),
        .init(conformance: "sdiv32 %r1, 7", llvm: "w1 s/= 0x7", bytes: "34 01 01 00 07 00 00 00"),
        .init(conformance: "mod %r1, 3", llvm: "r1 %= 0x3", bytes: "97 01 00 00 03 00 00 00"),
        .init(conformance: "smod %r1, %r2", llvm: "r1 s%= r2", bytes: "9f 21 01 00 00 00 00 00"),
        .init(conformance: "smod32 %r1, %r2", llvm: "w1 s%= w2", bytes: "9c 21 01 00 00 00 00 00"),
        .init(conformance: "or %r1, 0x10", llvm: "r1 |= 0x10", bytes: "47 01 00 00 10 00 00 00"),
        .init(conformance: "and32 %r1, %r2", llvm: "w1 &= w2", bytes: "5c 21 00 00 00 00 00 00"),
        .init(conformance: "lsh %r1, 0x20", llvm: "r1 <<= 0x20", bytes: "67 01 00 00 20 00 00 00"),
        .init(conformance: "rsh32 %r1, %r2", llvm: "w1 >>= w2", bytes: "7c 21 00 00 00 00 00 00"),
        .init(conformance: "arsh %r1, 3", llvm: "r1 s>>= 0x3", bytes: "c7 01 00 00 03 00 00 00"),
        .init(conformance: "arsh32 %r1, %r2", llvm: "w1 s>>= w2", bytes: "cc 21 00 00 00 00 00 00"),
        .init(conformance: "xor %r9, %r10", llvm: "r9 ^= r10", bytes: "af a9 00 00 00 00 00 00"),
        .init(conformance: "neg %r1", llvm: "r1 = -r1", bytes: "87 01 00 00 00 00 00 00"),
        .init(conformance: "neg32 %r1", llvm: "w1 = -w1", bytes: "84 01 00 00 00 00 00 00"),
        .init(conformance: "movsx864 %r0, %r1", llvm: "r0 = (s8)r1", bytes: "bf 10 08 00 00 00 00 00"),
        .init(conformance: "movsx832 %r0, %r1", llvm: "w0 = (s8)w1", bytes: "bc 10 08 00 00 00 00 00"),
        .init(conformance: "movsx1664 %r0, %r1", llvm: "r0 = (s16)r1", bytes: "bf 10 10 00 00 00 00 00"),
        .init(conformance: "movsx1632 %r0, %r1", llvm: "w0 = (s16)w1", bytes: "bc 10 10 00 00 00 00 00"),
        .init(conformance: "movsx3264 %r0, %r1", llvm: "r0 = (s32)r1", bytes: "bf 10 20 00 00 00 00 00"),
        // Byte order
        .init(conformance: "le16 %r1", llvm: "r1 = le16 r1", bytes: "d4 01 00 00 10 00 00 00"),
        .init(conformance: "le64 %r1", llvm: "r1 = le64 r1", bytes: "d4 01 00 00 40 00 00 00"),
        .init(conformance: "be16 %r3", llvm: "r3 = be16 r3", bytes: "dc 03 00 00 10 00 00 00"),
        .init(conformance: "be32 %r1", llvm: "r1 = be32 r1", bytes: "dc 01 00 00 20 00 00 00"),
        .init(conformance: "bswap64 %r1", llvm: "r1 = bswap64 r1", bytes: "d7 01 00 00 40 00 00 00"),
        .init(conformance: "swap16 %r1", llvm: "r1 = bswap16 r1", bytes: "d7 01 00 00 10 00 00 00"),
        // Loads and stores
        .init(conformance: "ldxw %r0, [%r1+4]", llvm: "w0 = *(u32 *)(r1 + 0x4)", bytes: "61 10 04 00 00 00 00 00"),
        .init(conformance: "ldxh %r3, [%r1+80]", llvm: "w3 = *(u16 *)(r1 + 0x50)", bytes: "69 13 50 00 00 00 00 00"),
        .init(conformance: "ldxb %r0, [%r1]", llvm: "w0 = *(u8 *)(r1 + 0x0)", bytes: "71 10 00 00 00 00 00 00"),
        .init(conformance: "ldxdw %r0, [%r10-8]", llvm: "r0 = *(u64 *)(r10 - 0x8)", bytes: "79 a0 f8 ff 00 00 00 00"),
        .init(conformance: "ldxsb %r1, [%r2-4]", llvm: "r1 = *(s8 *)(r2 - 0x4)", bytes: "91 21 fc ff 00 00 00 00"),
        .init(conformance: "ldxsh %r1, [%r2+2]", llvm: "r1 = *(s16 *)(r2 + 0x2)", bytes: "89 21 02 00 00 00 00 00"),
        .init(
            conformance: "ldxsw %r1, [%r2+32767]", llvm: "r1 = *(s32 *)(r2 + 0x7fff)", bytes: "81 21 ff 7f 00 00 00 00"),
        .init(conformance: "stb [%r10-8], 0x11", llvm: "*(u8 *)(r10 - 0x8) = 0x11", bytes: "72 0a f8 ff 11 00 00 00"),
        .init(conformance: "sth [%r1+2], -5", llvm: "*(u16 *)(r1 + 0x2) = -0x5", bytes: "6a 01 02 00 fb ff ff ff"),
        .init(conformance: "stw [%r10-4], 5", llvm: "*(u32 *)(r10 - 0x4) = 0x5", bytes: "62 0a fc ff 05 00 00 00"),
        .init(
            conformance: "stdw [%r10-32768], 1", llvm: "*(u64 *)(r10 - 0x8000) = 0x1", bytes: "7a 0a 00 80 01 00 00 00"),
        .init(conformance: "stxb [%r10-8], %r1", llvm: "*(u8 *)(r10 - 0x8) = w1", bytes: "73 1a f8 ff 00 00 00 00"),
        .init(conformance: "stxh [%r1+2], %r2", llvm: "*(u16 *)(r1 + 0x2) = w2", bytes: "6b 21 02 00 00 00 00 00"),
        .init(conformance: "stxw [%r10-4], %r1", llvm: "*(u32 *)(r10 - 0x4) = w1", bytes: "63 1a fc ff 00 00 00 00"),
        .init(conformance: "stxdw [%r10-8], %r1", llvm: "*(u64 *)(r10 - 0x8) = r1", bytes: "7b 1a f8 ff 00 00 00 00"),
        // 64-bit immediates
        .init(
            conformance: "lddw %r0, 0x123456789abcdef0", llvm: "r0 = 0x123456789abcdef0 ll",
            bytes: "18 00 00 00 f0 de bc 9a 00 00 00 00 78 56 34 12"),
        .init(
            conformance: "lddw %r1, -1", llvm: "r1 = -0x1 ll", bytes: "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff"),
        .init(
            conformance: "lddw %r1, map_fd(3)", llvm: "r1 = map_fd(3) ll",
            bytes: "18 11 00 00 03 00 00 00 00 00 00 00 00 00 00 00", clangAgrees: false),
        .init(
            conformance: "lddw %r2, map_value(3, 0x10)", llvm: "r2 = map_value(3, 0x10) ll",
            bytes: "18 22 00 00 03 00 00 00 00 00 00 00 10 00 00 00", clangAgrees: false),
        .init(
            conformance: "lddw %r1, map_idx(7)", llvm: "r1 = map_idx(7)",
            bytes: "18 51 00 00 07 00 00 00 00 00 00 00 00 00 00 00", clangAgrees: false),
        .init(
            conformance: nil, llvm: "ld_pseudo r1, 0x2, 0x3", bytes: "18 21 00 00 03 00 00 00 00 00 00 00 00 00 00 00"),
        // Jumps
        .init(conformance: "ja +1", llvm: "goto +0x1", bytes: "05 00 01 00 00 00 00 00"),
        .init(conformance: "ja -32768", llvm: "goto -0x8000", bytes: "05 00 00 80 00 00 00 00"),
        .init(conformance: "ja32 +70000", llvm: "gotol +0x11170", bytes: "06 00 00 00 70 11 01 00", clangAgrees: false),
        .init(conformance: "ja32 -2", llvm: "gotol -0x2", bytes: "06 00 00 00 fe ff ff ff"),
        .init(conformance: "jeq %r1, 2, +3", llvm: "if r1 == 0x2 goto +0x3", bytes: "15 01 03 00 02 00 00 00"),
        .init(conformance: "jgt %r4, %r3, +8", llvm: "if r4 > r3 goto +0x8", bytes: "2d 34 08 00 00 00 00 00"),
        .init(conformance: "jge32 %r1, 5, -1", llvm: "if w1 >= 0x5 goto -0x1", bytes: "36 01 ff ff 05 00 00 00"),
        .init(
            conformance: "jset %r1, 0x80000000, +1", llvm: "if r1 & -0x80000000 goto +0x1",
            bytes: "45 01 01 00 00 00 00 80"),
        .init(conformance: "jne32 %r2, %r3, -1", llvm: "if w2 != w3 goto -0x1", bytes: "5e 32 ff ff 00 00 00 00"),
        .init(conformance: "jsgt %r1, -1, +2", llvm: "if r1 s> -0x1 goto +0x2", bytes: "65 01 02 00 ff ff ff ff"),
        .init(conformance: "jsge32 %r1, %r2, +0", llvm: "if w1 s>= w2 goto +0x0", bytes: "7e 21 00 00 00 00 00 00"),
        .init(conformance: "jlt %r1, 2, +1", llvm: "if r1 < 0x2 goto +0x1", bytes: "a5 01 01 00 02 00 00 00"),
        .init(conformance: "jle %r1, %r2, +1", llvm: "if r1 <= r2 goto +0x1", bytes: "bd 21 01 00 00 00 00 00"),
        .init(conformance: "jslt32 %r1, 5, -3", llvm: "if w1 s< 0x5 goto -0x3", bytes: "c6 01 fd ff 05 00 00 00"),
        .init(conformance: "jsle %r1, %r9, +4", llvm: "if r1 s<= r9 goto +0x4", bytes: "dd 91 04 00 00 00 00 00"),
        // Calls and exit
        .init(conformance: "call 5", llvm: "call 0x5", bytes: "85 00 00 00 05 00 00 00"),
        .init(conformance: "call local -1", llvm: "call -0x1", bytes: "85 10 00 00 ff ff ff ff", clangAgrees: false),
        .init(conformance: "call local +4", llvm: "call pc+4", bytes: "85 10 00 00 04 00 00 00", clangAgrees: false),
        .init(conformance: "call runtime 7", llvm: nil, bytes: "85 20 00 00 07 00 00 00"),
        .init(conformance: "call %r2", llvm: "callx r2", bytes: "8d 02 00 00 00 00 00 00"),
        .init(conformance: "exit", llvm: "exit", bytes: "95 00 00 00 00 00 00 00"),
        // Atomics
        .init(
            conformance: "lock add [%r10-8], %r1", llvm: "lock *(u64 *)(r10 - 0x8) += r1",
            bytes: "db 1a f8 ff 00 00 00 00"),
        .init(
            conformance: "lock or32 [%r10-8], %r1", llvm: "lock *(u32 *)(r10 - 0x8) |= w1",
            bytes: "c3 1a f8 ff 40 00 00 00"),
        .init(
            conformance: "lock and [%r1], %r2", llvm: "lock *(u64 *)(r1 + 0x0) &= r2", bytes: "db 21 00 00 50 00 00 00"),
        .init(
            conformance: "lock xor32 [%r1+4], %r2", llvm: "lock *(u32 *)(r1 + 0x4) ^= w2",
            bytes: "c3 21 04 00 a0 00 00 00"),
        .init(
            conformance: "lock fetch add [%r10-8], %r0", llvm: "r0 = atomic_fetch_add((u64 *)(r10 - 0x8), r0)",
            bytes: "db 0a f8 ff 01 00 00 00"),
        .init(
            conformance: "lock fetch or32 [%r10-4], %r1", llvm: "w1 = atomic_fetch_or((u32 *)(r10 - 0x4), w1)",
            bytes: "c3 1a fc ff 41 00 00 00"),
        .init(
            conformance: "lock fetch and [%r10-8], %r1", llvm: "r1 = atomic_fetch_and((u64 *)(r10 - 0x8), r1)",
            bytes: "db 1a f8 ff 51 00 00 00"),
        .init(
            conformance: "lock fetch xor32 [%r10-4], %r3", llvm: "w3 = atomic_fetch_xor((u32 *)(r10 - 0x4), w3)",
            bytes: "c3 3a fc ff a1 00 00 00"),
        .init(
            conformance: "lock xchg [%r10-8], %r1", llvm: "r1 = xchg_64(r10 - 0x8, r1)",
            bytes: "db 1a f8 ff e1 00 00 00"),
        .init(
            conformance: "lock xchg32 [%r10-8], %r1", llvm: "w1 = xchg32_32(r10 - 0x8, w1)",
            bytes: "c3 1a f8 ff e1 00 00 00"),
        .init(
            conformance: "lock cmpxchg [%r10-8], %r1", llvm: "r0 = cmpxchg_64(r10 - 0x8, r0, r1)",
            bytes: "db 1a f8 ff f1 00 00 00"),
        .init(
            conformance: "lock cmpxchg32 [%r10-8], %r1", llvm: "w0 = cmpxchg32_32(r10 - 0x8, w0, w1)",
            bytes: "c3 1a f8 ff f1 00 00 00"),
        // Legacy packet loads
        .init(conformance: "ldabsb 0x17", llvm: "r0 = *(u8 *)skb[0x17]", bytes: "30 00 00 00 17 00 00 00"),
        .init(conformance: "ldabsh 12", llvm: "r0 = *(u16 *)skb[0xc]", bytes: "28 00 00 00 0c 00 00 00"),
        .init(conformance: "ldabsw 2", llvm: "r0 = *(u32 *)skb[0x2]", bytes: "20 00 00 00 02 00 00 00"),
        .init(conformance: "ldindb %r1, 0", llvm: "r0 = *(u8 *)skb[r1]", bytes: "50 10 00 00 00 00 00 00"),
        .init(
            conformance: "ldindh %r1, 2", llvm: "r0 = *(u16 *)skb[r1 + 0x2]", bytes: "48 10 00 00 02 00 00 00",
            clangAgrees: false),
        .init(conformance: "ldindw %r3, 0", llvm: "r0 = *(u32 *)skb[r3]", bytes: "40 30 00 00 00 00 00 00"),
        // Raw slots
        .init(
            conformance: ".8byte 0x0000000100000085", llvm: ".8byte 0x0000000100000085",
            bytes: "85 00 00 00 01 00 00 00",
            clangAgrees: false),
    ]

    /// Other spellings the LLVM dialect reads (hand-written code, older LLVM, verifier logs).
    static let llvmAlternatives: [(text: String, bytes: String)] = [
        ("r1 = *(u64 *)(r2)", "79 21 00 00 00 00 00 00"),
        ("r1 = *(u64 *)(r2 + -4)", "79 21 fc ff 00 00 00 00"),
        ("r3 = *(u32 *)(r1 + 80)", "61 13 50 00 00 00 00 00"),
        ("*(u32 *)(r10 - 4) = r1", "63 1a fc ff 00 00 00 00"),
        ("lock *(u32 *)(r10 - 8) += r1", "c3 1a f8 ff 00 00 00 00"),
        ("r1 = 0xffffffff", "b7 01 00 00 ff ff ff ff"),
        ("r1 = 18446744073709551615 ll", "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff"),
        ("r1 = func(+3) ll", "18 41 00 00 03 00 00 00 00 00 00 00 00 00 00 00"),
        ("call pc-2", "85 10 00 00 fe ff ff ff"),
        ("0: (b7) r1 = 0", "b7 01 00 00 00 00 00 00"),
        ("      12:\tgoto +0x2 <prog+0x78>", "05 00 02 00 00 00 00 00"),
        ("       3:\t85 10 00 00 03 00 00 00\tcall 0x3", "85 10 00 00 03 00 00 00"),
        (
            "       3:\t18 11 00 00 05 00 00 00 00 00 00 00 02 00 00 00\tld_pseudo\tr1, 0x1, 0x5",
            "18 11 00 00 05 00 00 00 00 00 00 00 02 00 00 00"
        ),
        ("       3:\t48 10 00 00 06 00 00 00\tr0 = *(u16 *)skb[r1]", "48 10 00 00 06 00 00 00"),
        ("b7 00 00 00 01 00 00 00\tr0 = 0x1", "b7 00 00 00 01 00 00 00"),
        ("exit ; comment", "95 00 00 00 00 00 00 00"),
        ("exit // comment", "95 00 00 00 00 00 00 00"),
    ]
}

/// Exact encodings of every instruction family in both dialects.
@Suite struct AssemblerEncodingTests {
    /// Bytes of `source` assembled without the structural check (a lone jump leaves the program).
    static func hex(_ source: String, _ dialect: AssemblyDialect) throws -> String {
        try Assembler.assemble(source, dialect: dialect, validating: false).encoded()
            .map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }

    @Test(arguments: AssemblerEncodingCase.all.filter { $0.conformance != nil })
    func conformanceDialect(_ row: AssemblerEncodingCase) throws {
        let text = try #require(row.conformance)
        #expect(try Self.hex(text, .conformance) == row.bytes)
        if !text.hasPrefix(".") && !text.hasPrefix("exit") && !text.hasPrefix("call") {
            #expect(Assembler.detectDialect(text) == .conformance)
        }
    }

    @Test(arguments: AssemblerEncodingCase.all.filter { $0.llvm != nil })
    func llvmDialect(_ row: AssemblerEncodingCase) throws {
        let text = try #require(row.llvm)
        #expect(try Self.hex(text, .llvm) == row.bytes)
        if !text.hasPrefix(".") && !text.hasPrefix("exit") && !text.hasPrefix("call") {
            #expect(Assembler.detectDialect(text) == .llvm)
        }
    }

    @Test(arguments: AssemblerEncodingCase.llvmAlternatives)
    func llvmAlternativeSpellings(_ text: String, _ bytes: String) throws {
        #expect(try Self.hex(text, .llvm) == bytes)
    }

    /// The disassembler's LLVM output for each encoding is the table's canonical text.
    @Test(arguments: AssemblerEncodingCase.all.filter { $0.llvm != nil && $0.clangAgrees })
    func disassemblerPrintsTheCanonicalSpelling(_ row: AssemblerEncodingCase) throws {
        let program = try Assembler.assemble(try #require(row.llvm), dialect: .llvm, validating: false)
        let text = Disassembler(dialect: .llvm).text(of: program.instructions[0])
        #expect(String(text.map { $0 == "\t" ? " " : $0 }) == row.llvm)
    }

    @Test func labelsResolveToSlotDistances() throws {
        let source = """
            start:
                mov %r0, 0
                jeq %r1, 0, done      # forward over an lddw (2 slots)
                lddw %r2, 0x1122334455667788
                ja32 start
            done: exit
            """
        let program = try Assembler.assemble(source)
        #expect(program.instructions.map(\.offset) == [0, 3, 0, 0, 0])
        #expect(program.instructions[3].imm == -5)
        #expect(program.targetSlot(ofInstruction: 1) == 5)
        #expect(program.targetSlot(ofInstruction: 3) == 0)

        let llvm = try Assembler.assemble(
            """
            start: r0 = 0x0
            if r1 == 0x0 goto done
            r2 = 0x1122334455667788 ll
            gotol start
            done:
            exit
            """)
        #expect(llvm.instructions == program.instructions)
    }

    @Test func implicitExitLabelIsTheFirstExit() throws {
        let program = try Assembler.assemble("jeq %r1, 0, exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit")
        #expect(program.targetSlot(ofInstruction: 0) == 2)
        let explicit = try Assembler.assemble("jeq %r1, 0, exit\nexit\nexit:\nexit")
        #expect(explicit.targetSlot(ofInstruction: 0) == 2)
    }

    @Test func localCallsAndCodeAddresses() throws {
        let conformance = try Assembler.assemble(
            """
            call local func1
            lddw %r1, func(func1)
            exit
            func1:
            mov %r0, 1
            exit
            """)
        #expect(conformance.instructions[0] == Instruction(opcode: 0x85, src: 1, imm: 3))
        #expect(conformance.instructions[1] == Instruction(opcode: 0x18, dst: 1, src: 4, imm: 2))  // kernel: target = i + imm + 1
        #expect(conformance.targetSlot(ofInstruction: 1) == 4)
        let llvm = try Assembler.assemble("call func1\nr1 = func(func1) ll\nexit\nfunc1:\nr0 = 0x1\nexit")
        #expect(llvm.instructions == conformance.instructions)
    }

    @Test func lineTableRecordsEachInstruction() throws {
        let program = try Assembler.assemble("  # header\n  mov %r0, 1   # one\n\nlabel: exit\n", fileName: "x.s")
        #expect(program.lineTable[0] == SourceLocation(file: "x.s", line: 2, column: 3, text: "mov %r0, 1"))
        #expect(program.lineTable[1] == SourceLocation(file: "x.s", line: 4, column: 8, text: "exit"))
    }

    @Test func rawSlotsFormAnLddw() throws {
        let program = try Assembler.assemble(
            ".8byte 0x5566778800001018\n.8byte 0x1122334400000000\nexit", dialect: .conformance)
        #expect(program.instructions[0] == Instruction(opcode: 0x18, dst: 0, src: 1, imm: 0x1122_3344_5566_7788))
    }

    @Test func dialectDetection() {
        #expect(Assembler.detectDialect("# comment\nL1:\nexit\nmov %r0, 1") == .conformance)
        #expect(Assembler.detectDialect("exit\nr0 = 1") == .llvm)
        #expect(Assembler.detectDialect("lddw r0, 1") == .conformance)
        #expect(Assembler.detectDialect("lock *(u64 *)(r10 - 8) += r1") == .llvm)
        #expect(Assembler.detectDialect("lock add [r10-8], r1") == .conformance)
        #expect(Assembler.detectDialect("x.o:\tfile format elf64-bpf\n\nexit") == .llvm)
        #expect(Assembler.detectDialect("r1 s>>= 3") == .llvm)
        #expect(Assembler.detectDialect("exit") == .conformance)
    }
}
