import BPFISA
import Testing

/// Assembly errors: the message and the line:column they point at.
@Suite struct AssemblerDiagnosticsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var dialect: AssemblyDialect
        var source: String
        /// The diagnostic without the `<input>:` file prefix.
        var expected: String
        var testDescription: String { source }
        init(_ dialect: AssemblyDialect, _ source: String, _ expected: String) {
            (self.dialect, self.source, self.expected) = (dialect, source, expected)
        }
    }

    static let cases: [Case] = [
        // Conformance dialect
        .init(.conformance, "mov %r0, %r50", "1:10: error: invalid register '%r50' (registers are %r0-%r10)"),
        .init(.conformance, "mov %r0, r5", "1:10: error: expected register or immediate after ',' (found 'r5')"),
        .init(.conformance, "mov %r0 1", "1:1: error: mov needs 2 operands: dst, src (found 1)"),
        .init(.conformance, "mov %r0, 1, 2", "1:1: error: mov needs 2 operands: dst, src (found 3)"),
        .init(.conformance, "mov %r0,", "1:9: error: expected register or immediate after ',' (found end of line)"),
        .init(.conformance, "exit\nldxw %r0, [%r1+4", "2:17: error: expected ']' after offset (found end of line)"),
        .init(.conformance, "ldxw %r0, [%r1 4]", "1:16: error: expected ']' after the base register (found '4')"),
        .init(.conformance, "stw [%r1+2], %r2", "1:14: error: expected immediate after ',' (found '%r2')"),
        .init(.conformance, "ldxq %r0, %r1", "1:1: error: unknown mnemonic 'ldxq'"),
        .init(.conformance, "  ja NOT_A_LABEL\nexit", "1:6: error: undefined label 'NOT_A_LABEL'"),
        .init(.conformance, "ldxb %r0, [%r1+65536]", "1:15: error: offset 65536 out of 16-bit range"),
        .init(.conformance, "ldxb %r0, [%r1-32769]", "1:15: error: offset -32769 out of 16-bit range"),
        .init(.conformance, "ja +32768", "1:4: error: jump offset 32768 out of 16-bit range"),
        .init(.conformance, "mov32 %r0, 0x100000000", "1:12: error: immediate 0x100000000 out of 32-bit range"),
        .init(.conformance, "mov %r0, -2147483649", "1:10: error: immediate -2147483649 out of 32-bit range"),
        .init(
            .conformance, "lddw %r0, 0x10000000000000000",
            "1:11: error: immediate 0x10000000000000000 out of 64-bit range"),
        .init(.conformance, "mov %r0, 12ab", "1:10: error: invalid number '12ab'"),
        .init(.conformance, "mov %r0, 1 @", "1:12: error: unexpected character '@'"),
        .init(.conformance, "neg %r1 extra", "1:9: error: unexpected 'extra' after the end of the instruction"),
        .init(.conformance, "lock or [%r10-8]", "1:1: error: lock needs 2 operands: [dst+off], src (found 1)"),
        .init(
            .conformance, "lock sub [%r1], %r2",
            "1:6: error: expected an atomic operation (add, and, or, xor, xchg, cmpxchg) after 'lock' (found 'sub')"),
        .init(
            .conformance, "call foo 5", "1:6: error: expected 'helper', 'local' or 'runtime' after 'call' (found 'foo')"
        ),
        .init(.conformance, "a:\n a: exit", "2:2: error: duplicate label 'a' (first defined on line 1)"),
        .init(
            .conformance, "  mov %r10, 1\nexit",
            "1:3: error: invalid instruction: writes r10, the read-only frame pointer"),
        .init(
            .conformance, "mov %r0, 0\nja +5\nexit",
            "2:1: error: jump target out of range: slot 7 is outside the program (slots 0-2)"),
        .init(
            .conformance, "jeq %r1, 0, end\nexit\nend:",
            "1:1: error: jump target out of range: slot 2 is outside the program (slots 0-1)"),
        .init(.conformance, "movsx832 %r0, 5", "1:15: error: expected register after ',' (found '5')"),
        .init(.conformance, "# nothing\n\n", "1:1: error: program has no instructions"),
        .init(
            .conformance, ".8byte 0x18\nexit",
            "1:1: error: .8byte: an lddw slot (opcode 0x18) must be followed by a second .8byte slot"),
        // LLVM dialect
        .init(
            .llvm, "r0 = 0x1122334455667788",
            "1:6: error: immediate 0x1122334455667788 out of 32-bit range (write 'VALUE ll' for a 64-bit immediate)"),
        .init(.llvm, "w1 = r2", "1:6: error: this move mixes 32-bit (wN) and 64-bit (rN) registers"),
        .init(
            .llvm, "if r1 > w2 goto +0x1", "1:9: error: this instruction mixes 32-bit (wN) and 64-bit (rN) registers"),
        .init(
            .llvm, "if r1 ~ 3 goto +0x1",
            "1:7: error: expected a comparison (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=) after 'r1' (found '~')"),
        .init(.llvm, "if r1 > 3 +1", "1:11: error: expected 'goto' after the comparison (found '+')"),
        .init(.llvm, "r1 = *(u64 *)(r2 + 0x8", "1:23: error: expected ')' after the address (found end of line)"),
        .init(
            .llvm, "w1 = *(u64 *)(r2 + 0x0)",
            "1:1: error: register 'w1' has the wrong width here: expected rN for a 64-bit access"),
        .init(
            .llvm, "r1 = *(u48 *)(r2 + 0x0)",
            "1:8: error: expected an access type (u8, u16, u32, u64, s8, s16, s32) after '(' (found 'u48')"),
        .init(.llvm, "*(u64 *)(r10 - 40000) = r1", "1:14: error: offset -40000 out of 16-bit range"),
        .init(
            .llvm, "r1 = atomic_fetch_add((u64 *)(r10 - 0x8), r2)",
            "1:43: error: 'atomic_fetch_add' (the old value goes back into its source) must name the same register on both sides"
        ),
        .init(
            .llvm, "r1 = cmpxchg_64(r10 - 0x8, r0, r2)",
            "1:1: error: expected 'r0 =' for 'cmpxchg_64' (it compares with and writes r0) (found 'r1')"),
        .init(
            .llvm, "lock *(u8 *)(r10 - 0x8) += w1",
            "1:8: error: 'u8' is not a valid access size for an atomic operation (u32 or u64)"),
        .init(.llvm, "r1 = *(u8 *)skb[0x0]", "1:1: error: legacy packet loads always write r0 (found 'r1')"),
        .init(.llvm, "goto nowhere", "1:6: error: undefined label 'nowhere'"),
        .init(.llvm, "r11 = 0x1", "1:1: error: invalid register 'r11' (registers are r0-r10 and w0-w10)"),
        .init(.llvm, "r1 = be16 r2", "1:1: error: 'be16' must name the same register on both sides"),
        .init(.llvm, "r1 s+= 3", "1:4: error: expected s/=, s%= or s>>= (found 's+=')"),
        .init(.llvm, ": 3", "1:1: error: expected an instruction (found ':')"),
        .init(.llvm, "frob r1", "1:1: error: unknown mnemonic 'frob'"),
        .init(
            .llvm, "       5:\t<unknown>", "1:11: error: llvm-objdump could not decode this instruction ('<unknown>')"),
        .init(
            .llvm, "r0 = 0x0\ngoto +0x1\nr1 = 0x1 ll\nexit",
            "2:1: error: jump target slot 3 is the second half of an lddw"),
        .init(.llvm, "r10 = 0x1\nexit", "1:1: error: invalid instruction: writes r10, the read-only frame pointer"),
        .init(.llvm, "may_goto +0x0\nexit", "1:1: error: invalid instruction: unknown opcode 0xe5"),
    ]

    @Test(arguments: cases)
    func diagnostic(_ row: Case) {
        let error = #expect(throws: AssemblyError.self) {
            try Assembler.assemble(row.source, dialect: row.dialect)
        }
        #expect(error?.description == "<input>:" + row.expected)
    }

    @Test func labelBeyondTheOffsetRange() {
        // 16384 two-slot lddw put the label 32768 slots away.
        let filler = String(repeating: "lddw %r0, 0\n", count: 16384)
        let source = "jeq %r1, 0, far\n" + filler + "far: exit"
        let error = #expect(throws: AssemblyError.self) { try Assembler.assemble(source, fileName: "far.s") }
        #expect(
            error?.description
                == "far.s:1:13: error: label 'far' is 32768 slots away, beyond the 16-bit jump offset range")
        // ja32 carries a 32-bit offset and reaches it.
        let long = "ja32 far\n" + filler + "far: exit"
        #expect(throws: Never.self) { try Assembler.assemble(long) }
    }

    /// Every prefix and suffix of every table line, in both dialects: an error or a program,
    /// never a trap.
    @Test func cutLinesNeverTrap() {
        let lines =
            AssemblerEncodingCase.all.flatMap { [$0.conformance, $0.llvm].compactMap { $0 } }
            + AssemblerEncodingCase.llvmAlternatives.map(\.text) + [
                "0000000000000000 <f>:", "x.o:\tfile format elf64-bpf",
            ]
        var outcomes = 0
        for line in lines {
            let bytes = Array(line.utf8)
            for cut in 0...bytes.count {
                for piece in [bytes[..<cut], bytes[cut...]] {
                    let text = String(decoding: piece, as: UTF8.self)
                    for dialect in AssemblyDialect.allCases {
                        _ = try? Assembler.assemble(text + "\nexit", dialect: dialect)
                        _ = try? Assembler.assemble(text, dialect: dialect, validating: false)
                        outcomes += 1
                    }
                }
            }
        }
        #expect(outcomes > 10_000)
    }

    @Test func errorFieldsAndDescription() {
        let error = AssemblyError(file: "f.s", line: 3, column: 7, message: "expected ']' after offset (found ',')")
        #expect(error.description == "f.s:3:7: error: expected ']' after offset (found ',')")
    }

    @Test func wholeLinesOfObjdumpDecorationAreSkipped() throws {
        let listing = """

            prog.o:\tfile format elf64-bpf

            Disassembly of section tc:

            0000000000000000 <prog>:
                   0:\tr1 = 0x0 ll
            \t\t0000000000000000:  R_BPF_64_64\tmy_map
                   2:\tif r1 == 0x0 goto +0x1 <prog+0x20>
                   3:\tgoto prog
                   4:\texit
            """
        let program = try Assembler.assemble(listing, fileName: "prog.lst")
        #expect(program.instructions.count == 4)
        #expect(program.instructions[2].offset == -4)
        #expect(
            program.lineTable[1]
                == SourceLocation(
                    file: "prog.lst", line: 9, column: 11,
                    text: "if r1 == 0x0 goto +0x1"))
    }
}
