import ClassicBPF
import Testing

/// A program the kernel's checker refuses, where, and why.
struct CheckerCase: Sendable, CustomStringConvertible {
    var name: String
    var program: [ClassicInstruction]
    /// The instruction the error names (nil: the whole program).
    var index: Int?
    /// Text the message must hold.
    var message: String
    var description: String { name }
}

/// Every rule of `bpf_check_classic()` and `check_load_and_stores()`, each broken once.
enum CheckerCases {
    static let refused: [CheckerCase] = [
        CheckerCase(name: "empty", program: [], index: nil, message: "the program is empty"),
        CheckerCase(name: "too long", program: [ClassicInstruction](repeating: .ret(1), count: 4097), index: nil,
                    message: "4097 instructions; the kernel takes at most 4096"),
        CheckerCase(name: "unknown opcode", program: [ClassicInstruction(code: 0xff), .ret(1)], index: 0,
                    message: "opcode 0xff is not a classic BPF instruction"),
        CheckerCase(name: "ret x", program: [ClassicInstruction(code: 0x0e)], index: 0, message: "opcode 0xe"),
        CheckerCase(name: "ldx [k] (seccomp only)", program: [ClassicInstruction(code: 0x21), .ret(1)], index: 0,
                    message: "opcode 0x21"),
        CheckerCase(name: "ldb #k", program: [ClassicInstruction(code: 0x10), .ret(1)], index: 0, message: "opcode 0x10"),
        CheckerCase(name: "ld [k] of 8 bytes", program: [ClassicInstruction(code: 0x38), .ret(1)], index: 0, message: "opcode 0x38"),
        CheckerCase(name: "eBPF's jne", program: [ClassicInstruction(code: 0x55), .ret(1)], index: 0, message: "opcode 0x55"),
        CheckerCase(name: "opcode above 8 bits", program: [ClassicInstruction(code: 0x106), .ret(1)], index: 0,
                    message: "opcode 0x106"),
        CheckerCase(name: "div by constant 0", program: [.alu(.div, 0), .ret(1)], index: 0, message: "division by the constant 0"),
        CheckerCase(name: "mod by constant 0", program: [.ldImm(1), .alu(.mod, 0), .retA], index: 1, message: "modulo by the constant 0"),
        CheckerCase(name: "lsh by 32", program: [.alu(.lsh, 32), .retA], index: 0, message: "shift by 32 bits"),
        CheckerCase(name: "rsh by 40", program: [.alu(.rsh, 40), .retA], index: 0, message: "shift by 40 bits"),
        CheckerCase(name: "st M[16]", program: [.st(16), .ret(1)], index: 0, message: "M[16] does not exist"),
        CheckerCase(name: "stx M[16]", program: [.stx(16), .ret(1)], index: 0, message: "M[16] does not exist"),
        CheckerCase(name: "ld M[20]", program: [.ldMem(20), .ret(1)], index: 0, message: "M[20] does not exist"),
        CheckerCase(name: "ldx M[16]", program: [.ldxMem(16), .ret(1)], index: 0, message: "M[16] does not exist"),
        CheckerCase(name: "ja past the end", program: [.ja(1), .ret(1)], index: 0,
                    message: "jump to insn 2 is past the last instruction (1)"),
        CheckerCase(name: "ja backwards", program: [.ret(1), .ja(0xffff_fffe), .ret(1)], index: 1,
                    message: "jump back to insn 0: classic jumps only go forward"),
        CheckerCase(name: "jeq, jt past the end", program: [.jeq(1, jt: 1, jf: 0), .ret(1)], index: 0,
                    message: "jump if true to insn 2 is past the last instruction (1)"),
        CheckerCase(name: "jgt, jf past the end", program: [.jgt(1, jt: 0, jf: 5), .ret(1)], index: 0,
                    message: "jump if false to insn 6"),
        CheckerCase(name: "jset x, jt past the end", program: [.jumpX(.set, jt: 255, jf: 0), .ret(1)], index: 0,
                    message: "jump if true to insn 256"),
        CheckerCase(name: "unknown ancillary offset", program: [.ld(AncillaryField.ancillaryBase + 64), .retA], index: 0,
                    message: "SKF_AD_OFF+64"),
        CheckerCase(name: "ancillary offset between fields", program: [.ldh(AncillaryField.ancillaryBase + 2), .retA], index: 0,
                    message: "SKF_AD_OFF+2"),
        CheckerCase(name: "last is not a return", program: [.ldImm(1)], index: 0, message: "the last instruction must be"),
        CheckerCase(name: "last is a jump", program: [.ret(1), .ja(0)], index: 1, message: "jump to insn 2"),
        CheckerCase(name: "M[] read never written", program: [.ldMem(2), .retA], index: 0,
                    message: "M[2] is read before it is written"),
        CheckerCase(name: "M[] written on one path only",
                    program: [.ldh(12), .jeq(0x800, jt: 0, jf: 1), .st(4), .ldMem(4), .retA], index: 3, message: "M[4]"),
        CheckerCase(name: "ldx M[] after a jump over the store",
                    program: [.ja(1), .stx(1), .ldxMem(1), .ret(1)], index: 2, message: "M[1]"),
    ]

    static let accepted: [CheckerCase] = [
        CheckerCase(name: "one return", program: [.ret(0)], index: nil, message: ""),
        CheckerCase(name: "4096 instructions", program: [ClassicInstruction](repeating: .ret(1), count: 4096), index: nil, message: ""),
        CheckerCase(name: "M[] written on both paths",
                    program: [.ldh(12), .jeq(0x800, jt: 0, jf: 2), .st(4), .ja(1), .st(4), .ldMem(4), .retA], index: nil, message: ""),
        CheckerCase(name: "M[] read after it is written, past an unreachable one",
                    program: [.ldImm(1), .st(0), .ja(1), .ldMem(9), .ldMem(0), .retA], index: nil, message: ""),
        CheckerCase(name: "SKF_NET_OFF and SKF_LL_OFF offsets",
                    program: [.ldb(AncillaryField.networkHeaderBase), .ldh(AncillaryField.linkHeaderBase + 12), .retA],
                    index: nil, message: ""),
        CheckerCase(name: "every ancillary field",
                    program: AncillaryField.allCases.map { .ld($0) } + [.retA], index: nil, message: ""),
        CheckerCase(name: "shift by 31", program: [.alu(.lsh, 31), .alu(.rsh, 31), .retA], index: nil, message: ""),
        CheckerCase(name: "jump to the last instruction", program: [.jset(1, jt: 1, jf: 0), .ja(0), .ret(1)], index: nil, message: ""),
    ]
}

@Suite struct ClassicCheckerTests {
    @Test(arguments: CheckerCases.refused)
    func refused(_ test: CheckerCase) {
        #expect {
            try ClassicChecker.check(ClassicProgram(test.program))
        } throws: { error in
            guard let error = error as? ClassicCheckError else { return false }
            return error.instructionIndex == test.index && error.message.contains(test.message)
        }
    }

    @Test(arguments: CheckerCases.accepted)
    func accepted(_ test: CheckerCase) throws {
        try ClassicChecker.check(ClassicProgram(test.program))
        // What the checker takes, the translation verifies (ClassicFixture does both).
        _ = try ClassicFixture.interpreters(ClassicTranslator.translate(ClassicProgram(test.program)))
    }

    @Test func messagesNameTheInstruction() throws {
        let error = try #require(throws: ClassicCheckError.self) {
            try ClassicChecker.check(ClassicProgram([.ldImm(1), .alu(.div, 0), .retA]))
        }
        #expect(error.description == "insn 1: division by the constant 0")
    }

    /// libpcap's rules accept a backward `ja` (its `protochain`); a target outside the program
    /// is still refused, and so is a scratch word a loop path leaves unwritten.
    @Test func libpcapRulesAllowLoops() throws {
        let loop = ClassicProgram([.ldImm(1), .jeq(0, jt: 1, jf: 0), .ja(0xffff_fffd), .ret(1)])
        try ClassicChecker.check(loop, rules: .libpcap)
        #expect(throws: ClassicCheckError.self) { try ClassicChecker.check(loop) }
        let outside = ClassicProgram([.ldImm(1), .ja(0xffff_fff0), .ret(1)])
        #expect(throws: ClassicCheckError.self) { try ClassicChecker.check(outside, rules: .libpcap) }
        // M[0] is written after the read on the first turn only.
        let unwritten = ClassicProgram([.ldImm(1), .ldMem(0), .st(0), .jeq(0, jt: 1, jf: 0), .ja(0xffff_fffb), .ret(1)])
        let error = try #require(throws: ClassicCheckError.self) { try ClassicChecker.check(unwritten, rules: .libpcap) }
        #expect(error.instructionIndex == 1)
    }
}
