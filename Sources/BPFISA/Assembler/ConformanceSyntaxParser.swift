// The conformance dialect: the assembly of the bpf_conformance and uBPF test vectors
// (bpf_conformance `lib/src/bpf_assembler.cc`, uBPF `ubpf/asm_parser.py`), one instruction
// per line, `#` comments:
//
//   mov %r0, 1            add32 %r1, %r2          ALU64, or ALU with the `32` suffix (`64` also accepted)
//   sdiv %r1, 3           smod32 %r1, %r2         signed division (offset 1)
//   neg %r1               neg32 %r1
//   movsx832 %r0, %r1     movsx3264 %r0, %r1      sign-extending moves: source bits, result bits
//   le16 %r0  be32 %r0    bswap64 %r0 (= swap64)  byte order; bswap/swap is the ALU64 form
//   ldxw %r0, [%r1+4]     ldxsb %r0, [%r1-2]      loads (s: sign-extending)
//   stw [%r1+2], 0x11     stxdw [%r10-8], %r1     stores
//   lddw %r0, 0x123456789abcdef0                  64-bit immediate (or map_fd(3)…, see AssemblyDirectives)
//   jeq %r1, 2, +3        jne32 %r2, %r3, fail    conditional jumps: relative slots or a label
//   ja +1   ja exit       ja32 target             `ja32` is the 32-bit-offset `gotol`
//   call 5                call helper 5           helper call (src 0)
//   call local func1      call local +4           local call (src 1)
//   call runtime 7                                kfunc call (src 2)
//   call %r2              callx %r2               call through a register (opcode 0x8d, reg in dst)
//   exit
//   lock add [%r10-8], %r1        lock fetch or32 [%r1], %r2
//   lock xchg [%r1], %r2          lock cmpxchg32 [%r1+4], %r2
//   ldabsb 12             ldindh %r2, 12          legacy packet loads
//   label:                label: mov %r0, 1       labels, alone or before an instruction
//   .8byte 0x0000000100000018                     one raw slot, little-endian
//
// As in bpf_conformance, `exit` also names the first `exit` instruction when the source
// defines no `exit:` label, so `jeq %r1, 0, exit` works without one.

/// Parses conformance-dialect lines into a ``ProgramBuilder``.
struct ConformanceSyntaxParser {
    let file: String

    /// What a mnemonic assembles to, and its operand list for diagnostics.
    enum Form {
        case alu(ALUOperation, is64: Bool, signed: Bool)
        case negate(is64: Bool)
        case moveSignExtend(bits: Int, is64: Bool)
        case byteSwap(ByteOrderConversion, bits: Int)
        case jump(JumpOperation, is32: Bool)
        case jumpAlways(isLong: Bool)
        case call, callRegister, exit
        case load(AccessSize, signExtend: Bool)
        case storeImmediate(AccessSize)
        case storeRegister(AccessSize)
        case loadImmediate64
        case packetLoad(AccessSize, indirect: Bool)

        /// How many comma-separated operands the mnemonic takes (`call local x` is one).
        var operandCount: Int {
            switch self {
            case .exit: 0
            case .negate, .byteSwap, .jumpAlways, .call, .callRegister: 1
            case .packetLoad(_, let indirect): indirect ? 2 : 1
            case .jump: 3
            case .alu, .moveSignExtend, .load, .storeImmediate, .storeRegister, .loadImmediate64: 2
            }
        }

        var signature: String {
            switch self {
            case .alu: "dst, src"
            case .negate, .byteSwap: "dst"
            case .moveSignExtend: "dst, src register"
            case .jump: "dst, src, target"
            case .jumpAlways: "target"
            case .call: "target"
            case .callRegister: "register"
            case .exit: ""
            case .load: "dst, [src+off]"
            case .storeImmediate: "[dst+off], imm"
            case .storeRegister: "[dst+off], src"
            case .loadImmediate64: "dst, imm64"
            case .packetLoad(_, let indirect): indirect ? "src, imm" : "imm"
            }
        }
    }

    static let mnemonics: [String: Form] = {
        var table: [String: Form] = [:]
        let alu: [(String, ALUOperation, Bool)] = [
            ("add", .add, false), ("sub", .sub, false), ("mul", .mul, false), ("div", .div, false),
            ("sdiv", .div, true), ("or", .or, false), ("and", .and, false), ("lsh", .lsh, false),
            ("rsh", .rsh, false), ("mod", .mod, false), ("smod", .mod, true), ("xor", .xor, false),
            ("mov", .mov, false), ("arsh", .arsh, false),
        ]
        for (name, operation, signed) in alu {
            table[name] = .alu(operation, is64: true, signed: signed)
            table[name + "64"] = .alu(operation, is64: true, signed: signed)
            table[name + "32"] = .alu(operation, is64: false, signed: signed)
        }
        table["neg"] = .negate(is64: true)
        table["neg64"] = .negate(is64: true)
        table["neg32"] = .negate(is64: false)
        for bits in [8, 16] {
            table["movsx\(bits)32"] = .moveSignExtend(bits: bits, is64: false)
            table["movsx\(bits)64"] = .moveSignExtend(bits: bits, is64: true)
        }
        table["movsx3264"] = .moveSignExtend(bits: 32, is64: true)
        for bits in [16, 32, 64] {
            table["le\(bits)"] = .byteSwap(.toLittleEndian, bits: bits)
            table["be\(bits)"] = .byteSwap(.toBigEndian, bits: bits)
            table["bswap\(bits)"] = .byteSwap(.swap, bits: bits)
            table["swap\(bits)"] = .byteSwap(.swap, bits: bits)
        }
        let jumps: [(String, JumpOperation)] = [
            ("jeq", .jeq), ("jgt", .jgt), ("jge", .jge), ("jset", .jset), ("jne", .jne), ("jsgt", .jsgt),
            ("jsge", .jsge), ("jlt", .jlt), ("jle", .jle), ("jslt", .jslt), ("jsle", .jsle),
        ]
        for (name, operation) in jumps {
            table[name] = .jump(operation, is32: false)
            table[name + "32"] = .jump(operation, is32: true)
        }
        table["ja"] = .jumpAlways(isLong: false)
        table["ja32"] = .jumpAlways(isLong: true)
        table["call"] = .call
        table["callx"] = .callRegister
        table["exit"] = .exit
        let sizes: [(String, AccessSize)] = [("b", .byte), ("h", .half), ("w", .word), ("dw", .doubleWord)]
        for (suffix, size) in sizes {
            table["ldx" + suffix] = .load(size, signExtend: false)
            table["st" + suffix] = .storeImmediate(size)
            table["stx" + suffix] = .storeRegister(size)
            if size != .doubleWord {
                table["ldxs" + suffix] = .load(size, signExtend: true)
                table["ldabs" + suffix] = .packetLoad(size, indirect: false)
                table["ldind" + suffix] = .packetLoad(size, indirect: true)
            }
        }
        table["lddw"] = .loadImmediate64
        return table
    }()

    /// True if `word` is a mnemonic of this dialect (used by dialect detection).
    static func isMnemonic(_ word: String) -> Bool { mnemonics[word] != nil || word == "lock" }

    /// Parses one line: optional labels, then an optional instruction.
    func parse(_ line: AssemblySourceLine, into builder: inout ProgramBuilder) throws(AssemblyError) {
        let tokens = try AssemblyLexer.tokenize(line, file: file)
        var cursor = AssemblyTokenCursor(file: file, line: line, tokens: tokens)
        try cursor.parseLabelDefinitions(into: &builder)
        guard !cursor.isAtEnd else { return }
        let mnemonic = cursor.current
        guard mnemonic.kind == .identifier else {
            throw cursor.error(AssemblyMessage.unknownInstruction(cursor.current.quoted))
        }
        if mnemonic.text == ".8byte" {
            try builder.appendSlotDirective(&cursor)
            return
        }
        cursor.advance()
        var reference: LabelReference?
        let instruction: Instruction
        if mnemonic.text == "lock" {
            instruction = try parseLock(&cursor, mnemonic: mnemonic)
        } else {
            guard let form = Self.mnemonics[mnemonic.text] else {
                throw cursor.error(AssemblyMessage.unknownMnemonic(mnemonic.text), at: mnemonic)
            }
            if case .exit = form { builder.defineImplicitLabel("exit") }
            try Self.checkOperandCount(cursor, mnemonic: mnemonic, form: form)
            (instruction, reference) = try parseOperands(&cursor, form: form)
        }
        try cursor.expectEnd()
        let location = SourceLocation(
            file: file, line: line.number, column: mnemonic.column,
            text: cursor.text(from: mnemonic))
        try builder.append(instruction, location: location, reference: reference)
    }

    /// Comma-separated operand groups left on the line (0 when none).
    private static func operandCount(_ cursor: AssemblyTokenCursor) -> Int {
        var count = 0
        var depth = 0
        var index = cursor.index
        guard cursor.tokens[index].kind != .end else { return 0 }
        count = 1
        while cursor.tokens[index].kind != .end {
            let token = cursor.tokens[index]
            if token.isPunctuation("[") || token.isPunctuation("(") { depth += 1 }
            if token.isPunctuation("]") || token.isPunctuation(")") { depth -= 1 }
            if token.isPunctuation(","), depth <= 0 { count += 1 }
            index += 1
        }
        return count
    }

    private static func checkOperandCount(
        _ cursor: AssemblyTokenCursor, mnemonic: AssemblyToken, form: Form
    ) throws(AssemblyError) {
        let found = operandCount(cursor)
        guard found != form.operandCount else { return }
        throw cursor.error(
            AssemblyMessage.operandCount(mnemonic.text, signature: form.signature, found: found),
            at: mnemonic)
    }

    private func parseOperands(
        _ cursor: inout AssemblyTokenCursor, form: Form
    ) throws(AssemblyError) -> (Instruction, LabelReference?) {
        switch form {
        case .alu(let operation, let is64, let signed):
            let dst = try register(&cursor)
            try cursor.expect(",", "after the destination register")
            let source = try sourceOperand(&cursor)
            return (.alu(operation, is64: is64, dst: dst, source, offset: signed ? 1 : 0), nil)
        case .negate(let is64):
            return (.negate(is64: is64, dst: try register(&cursor)), nil)
        case .moveSignExtend(let bits, let is64):
            let dst = try register(&cursor)
            try cursor.expect(",", "after the destination register")
            return (.moveSignExtend(fromBits: bits, is64: is64, dst: dst, src: try register(&cursor)), nil)
        case .byteSwap(let conversion, let bits):
            return (.byteSwap(conversion, bits: bits, dst: try register(&cursor)), nil)
        case .jump(let operation, let is32):
            let dst = try register(&cursor)
            try cursor.expect(",", "after the first register")
            let source = try sourceOperand(&cursor)
            try cursor.expect(",", "before the jump target")
            switch try cursor.jumpTarget(.jump16, field: .offset, cursor.afterPrevious) {
            case .relative(let distance):
                return (.jump(operation, is32: is32, dst: dst, source, offset: Int16(distance)), nil)
            case .label(let label):
                return (.jump(operation, is32: is32, dst: dst, source, offset: 0), label)
            }
        case .jumpAlways(let isLong):
            switch try cursor.jumpTarget(
                isLong ? .jump32 : .jump16, field: isLong ? .immediate : .offset,
                cursor.afterPrevious)
            {
            case .relative(let distance): return (.jumpAlways(isLong: isLong, distance: distance), nil)
            case .label(let label): return (.jumpAlways(isLong: isLong, distance: 0), label)
            }
        case .call:
            return try parseCall(&cursor)
        case .callRegister:
            return (.callRegister(try register(&cursor)), nil)
        case .exit:
            return (.exit, nil)
        case .load(let size, let signExtend):
            let dst = try register(&cursor)
            try cursor.expect(",", "after the destination register")
            let (src, offset) = try memoryOperand(&cursor)
            return (.load(size, signExtend: signExtend, dst: dst, src: src, offset: offset), nil)
        case .storeImmediate(let size):
            let (dst, offset) = try memoryOperand(&cursor)
            try cursor.expect(",", "after the memory operand")
            let imm = try immediate(&cursor)
            return (.store(size, dst: dst, offset: offset, .immediate(imm)), nil)
        case .storeRegister(let size):
            let (dst, offset) = try memoryOperand(&cursor)
            try cursor.expect(",", "after the memory operand")
            return (.store(size, dst: dst, offset: offset, .register(try register(&cursor))), nil)
        case .loadImmediate64:
            let dst = try register(&cursor)
            try cursor.expect(",", "after the destination register")
            if cursor.isAtPseudoLoadImmediate {
                let (source, imm, label) = try cursor.pseudoLoadImmediate()
                return (.loadImmediate64(dst: dst, source: source, imm: imm), label)
            }
            let imm = try cursor.signedNumber(.immediate64, what: "a 64-bit immediate", cursor.afterPrevious).value
            return (.loadImmediate64(dst: dst, imm: imm), nil)
        case .packetLoad(let size, let indirect):
            var index: UInt8?
            if indirect {
                index = try register(&cursor)
                try cursor.expect(",", "after the offset register")
            }
            return (.packetLoad(size, indexRegister: index, imm: try immediate(&cursor)), nil)
        }
    }

    /// `call 5`, `call helper 5`, `call local label`, `call local +4`, `call runtime 7`,
    /// `call %r2`, `call helper %r2` and (as a local call) `call label`.
    private func parseCall(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> (Instruction, LabelReference?)
    {
        var kind: CallKind?
        if cursor.current.kind == .identifier, cursor.peek().kind != .end {
            let word = cursor.advance()
            switch word.text {
            case "helper": kind = .helper
            case "local": kind = .local
            case "runtime": kind = .kernelFunction
            default:
                throw cursor.error(
                    AssemblyMessage.expected(
                        "'helper', 'local' or 'runtime'", "after 'call'",
                        found: word.quoted), at: word)
            }
        }
        if cursor.current.isPunctuation("%"), kind == nil || kind == .helper {
            return (.callRegister(try register(&cursor)), nil)
        }
        if kind == .local || (kind == nil && cursor.current.kind == .identifier) {
            switch try cursor.jumpTarget(.jump32, field: .immediate, cursor.afterPrevious) {
            case .relative(let distance): return (.call(.local, imm: distance), nil)
            case .label(let label): return (.call(.local, imm: 0), label)
            }
        }
        let imm = try cursor.signedNumber(.immediate32, what: "a helper id", cursor.afterPrevious).value
        return (.call(kind ?? .helper, imm: imm), nil)
    }

    /// `lock [fetch] op[32|64] [%rD+off], %rS`.
    private func parseLock(
        _ cursor: inout AssemblyTokenCursor, mnemonic: AssemblyToken
    ) throws(AssemblyError) -> Instruction {
        let signature = "[dst+off], src"
        let fetch = cursor.acceptIdentifier("fetch")
        guard cursor.current.kind == .identifier else {
            throw cursor.error(
                AssemblyMessage.operandCount(
                    "lock", signature: signature,
                    found: cursor.isAtEnd ? 0 : Self.operandCount(cursor)),
                at: mnemonic)
        }
        let opToken = cursor.advance()
        var name = Substring(opToken.text)
        var size = AccessSize.doubleWord
        if name.hasSuffix("32") {
            size = .word
            name = name.dropLast(2)
        } else if name.hasSuffix("64") {
            name = name.dropLast(2)
        }
        let operation: AtomicOperation
        switch name {
        case "add": operation = .add
        case "and": operation = .and
        case "or": operation = .or
        case "xor": operation = .xor
        case "xchg": operation = .exchange
        case "cmpxchg": operation = .compareExchange
        default:
            throw cursor.error(
                AssemblyMessage.expected(
                    "an atomic operation (add, and, or, xor, xchg, cmpxchg)",
                    "after 'lock'", found: opToken.quoted), at: opToken)
        }
        let found = Self.operandCount(cursor)
        guard found == 2 else {
            throw cursor.error(AssemblyMessage.operandCount("lock", signature: signature, found: found), at: mnemonic)
        }
        let (dst, offset) = try memoryOperand(&cursor)
        try cursor.expect(",", "after the memory operand")
        let src = try register(&cursor)
        return .atomic(size, dst: dst, src: src, offset: offset, imm: Int64(operation.immediate(fetch: fetch)))
    }

    // MARK: Operands

    /// `%r0`…`%r10`.
    private func register(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> UInt8 {
        let start = cursor.current
        guard start.isPunctuation("%") else {
            throw cursor.error(AssemblyMessage.expected("register", cursor.afterPrevious, found: Self.describe(cursor)))
        }
        let name = cursor.peek()
        guard name.kind == .identifier, name.column == start.endColumn else {
            throw cursor.error(AssemblyMessage.expected("register", cursor.afterPrevious, found: Self.describe(cursor)))
        }
        let spelled = "%" + name.text
        guard name.text.hasPrefix("r"), let number = UInt8(name.text.dropFirst()), name.text.count > 1 else {
            throw cursor.error(AssemblyMessage.expected("register", cursor.afterPrevious, found: "'\(spelled)'"))
        }
        guard number <= 10 else {
            throw cursor.error(AssemblyMessage.invalidRegister(spelled, valid: "%r0-%r10"))
        }
        cursor.advance()
        cursor.advance()
        return number
    }

    /// A register or a 32-bit immediate.
    private func sourceOperand(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> SourceOperand {
        if cursor.current.isPunctuation("%") { return .register(try register(&cursor)) }
        guard cursor.isAtNumber else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "register or immediate", cursor.afterPrevious,
                    found: Self.describe(cursor)))
        }
        return .immediate(try immediate(&cursor))
    }

    private func immediate(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> Int64 {
        guard cursor.isAtNumber else {
            throw cursor.error(
                AssemblyMessage.expected("immediate", cursor.afterPrevious, found: Self.describe(cursor)))
        }
        return try cursor.signedNumber(.immediate32, what: "immediate").value
    }

    /// `[%rN]`, `[%rN+off]`, `[%rN-off]`.
    private func memoryOperand(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> (UInt8, Int16) {
        guard cursor.current.isPunctuation("[") else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "memory operand '[%rN+offset]'", cursor.afterPrevious,
                    found: Self.describe(cursor)))
        }
        cursor.advance()
        let base = try register(&cursor)
        var offset: Int16 = 0
        if cursor.current.isPunctuation("+") || cursor.current.isPunctuation("-") {
            offset = Int16(truncatingIfNeeded: try cursor.signedNumber(.offset16, what: "offset").value)
            try cursor.expect("]", "after offset")
        } else {
            try cursor.expect("]", "after the base register")
        }
        return (base, offset)
    }

    /// The current token for a diagnostic, joining `%` with the register name after it.
    private static func describe(_ cursor: AssemblyTokenCursor) -> String {
        let token = cursor.current
        if token.isPunctuation("%"), cursor.peek().kind == .identifier, cursor.peek().column == token.endColumn {
            return "'%\(cursor.peek().text)'"
        }
        return token.quoted
    }
}
