// The LLVM dialect: what `llvm-objdump -d` prints for BPF (LLVM 21) and what clang's BPF
// assembler reads, plus labels for hand-written code. Objdump decoration (slot numbers, raw
// bytes, headers, relocations, `<sym+0x10>` annotations) is removed first, see ObjdumpLine;
// directives of clang's `-S` output other than `.8byte` are skipped.
//
//   r0 = 0x1   w0 = -0x1    r1 = r2   w1 = w2        mov, ALU64 (rN) or ALU (wN); `r1 = w2` (clang -S) is `w1 = w2`
//   r1 += 0x8  w1 s/= w2    r1 s>>= 0x3  r1 s%= r2    compound ALU: + - * / % | & ^ << >> s>> s/ s%
//   r0 = -r0   w0 = -w0     r0 = (s8)r1  w0 = (s16)w1 neg, movsx
//   r1 = be16 r1   r1 = le32 r1   r1 = bswap64 r1     byte order
//   r1 = 0x1122334455667788 ll    r1 = map_fd(3) ll   ld_pseudo r1, 0x1, 0x3     lddw
//   w3 = *(u32 *)(r1 + 0x50)      r1 = *(s8 *)(r2 - 0x4)                       loads (s: ldsx)
//   *(u64 *)(r10 - 0x8) = r1      *(u32 *)(r10 - 0x4) = 0x5                    stores
//   lock *(u64 *)(r10 - 0x8) += r1                    r0 = atomic_fetch_add((u64 *)(r10 - 0x8), r0)
//   r1 = xchg_64(r10 - 0x8, r1)   r0 = cmpxchg_64(r10 - 0x8, r0, r1)          (32-bit: w, xchg32_32, cmpxchg32_32)
//   r0 = *(u8 *)skb[0x17]         r0 = *(u16 *)skb[r1]     r0 = *(u32 *)skb[r1 + 0x2]   legacy packet loads
//   if r4 > r3 goto +0x8          if w1 s< 0x5 goto -0x3   if r1 == 0 goto out         == != > >= < <= & s> s>= s< s<=
//   goto +0x2     goto LBB0_2     gotol +0x100             (gotol: JMP32 ja, 32-bit offset)
//   call 0x1                      helper call (src 0)
//   call -0x1     call pc+3       call func                local call (src 1)
//   callx r2      exit
//
// `call N` is ambiguous in objdump output, which prints helper and local calls alike. A
// negative N (no helper has one; clang's objects hold `call -0x1` until relocation) is a
// local call; when objdump's raw bytes are on the line they settle it. Raw bytes likewise
// supply what the text omits for `ld_pseudo` (the high 32 bits) and `skb[rN]` (the imm).
//
// Numbers follow the conformance rule (see NumberRange): decimal must fit the field signed,
// hex may spell its bit pattern; a 32-bit immediate out of range is an error, not truncated.

/// Parses LLVM-dialect lines into a ``ProgramBuilder``.
struct LLVMSyntaxParser {
    let file: String

    /// Parses one line: objdump decoration, optional labels, then an optional instruction.
    func parse(_ line: AssemblySourceLine, into builder: inout ProgramBuilder) throws(AssemblyError) {
        let start: Int
        let end: Int
        let rawBytes: [UInt8]?
        switch ObjdumpLine.classify(line) {
        case .ignored: return
        case .functionHeader(let name):
            builder.defineImplicitLabel(name)
            return
        case .statement(let from, let to, let raw): (start, end, rawBytes) = (from, to, raw)
        }
        if Self.isIgnoredDirective(line, from: start) { return }
        let tokens = try AssemblyLexer.tokenize(line, from: start, to: end, file: file)
        var cursor = AssemblyTokenCursor(file: file, line: line, tokens: tokens)
        try cursor.parseLabelDefinitions(into: &builder)
        guard !cursor.isAtEnd else { return }
        let first = cursor.current
        if first.isIdentifier(".8byte") {
            try builder.appendSlotDirective(&cursor)
            return
        }
        var (instruction, reference) = try parseStatement(&cursor)
        try cursor.expectEnd()
        if let rawBytes { instruction = Self.completed(instruction, from: rawBytes) }
        let location = SourceLocation(
            file: file, line: line.number, column: first.column, text: cursor.text(from: first))
        try builder.append(instruction, location: location, reference: reference)
    }

    /// Directives of clang's `-S` output (`.text`, `.globl f`, `.section tc,"ax",@progbits`…)
    /// carry no instruction; `.8byte` and `.label:` definitions are not directives.
    private static func isIgnoredDirective(_ line: AssemblySourceLine, from start: Int) -> Bool {
        guard start < line.bytes.count, line.bytes[start] == UInt8(ascii: ".") else { return false }
        var end = start + 1
        while end < line.bytes.count, AssemblyLexer.isIdentifierContinuation(line.bytes[end]) { end += 1 }
        if end < line.bytes.count, line.bytes[end] == UInt8(ascii: ":") { return false }
        return line.text(start, end) != ".8byte"
    }

    private func parseStatement(
        _ cursor: inout AssemblyTokenCursor
    ) throws(AssemblyError) -> (Instruction, LabelReference?) {
        let first = cursor.current
        if first.isPunctuation("*") { return (try parseStore(&cursor), nil) }
        if first.isPunctuation("<"), cursor.peek().isIdentifier("unknown") {
            throw cursor.error(AssemblyMessage.objdumpUnknown())
        }
        guard first.kind == .identifier else { throw cursor.error(AssemblyMessage.unknownInstruction(first.quoted)) }
        if let register = try Self.registerIfPresent(cursor) {
            cursor.advance()
            return try parseAssignment(&cursor, destination: register)
        }
        cursor.advance()
        switch first.text {
        case "exit": return (.exit, nil)
        case "goto", "gotol":
            let isLong = first.text == "gotol"
            switch try cursor.jumpTarget(
                isLong ? .jump32 : .jump16, field: isLong ? .immediate : .offset, "after '\(first.text)'")
            {
            case .relative(let distance): return (.jumpAlways(isLong: isLong, distance: distance), nil)
            case .label(let label): return (.jumpAlways(isLong: isLong, distance: 0), label)
            }
        case "may_goto":
            switch try cursor.jumpTarget(.jump16, field: .offset, "after 'may_goto'") {
            case .relative(let distance): return (.mayGoto(offset: Int16(distance)), nil)
            case .label(let label): return (.mayGoto(offset: 0), label)
            }
        case "if": return try parseConditionalJump(&cursor)
        case "call": return try parseCall(&cursor)
        case "callx":
            return (.callRegister(try register(&cursor, wide: true, "after 'callx'").number), nil)
        case "lock": return (try parseLock(&cursor), nil)
        case "ld_pseudo": return (try parsePseudoLoad(&cursor), nil)
        case "store_release": return (try parseStoreRelease(&cursor), nil)
        default:
            throw cursor.error(AssemblyMessage.unknownMnemonic(first.text), at: first)
        }
    }

    // MARK: Assignments

    /// Everything that starts with `rN`/`wN`: `=` forms and compound assignments.
    private func parseAssignment(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister
    ) throws(AssemblyError) -> (Instruction, LabelReference?) {
        let operatorToken = cursor.current
        var signed = false
        if operatorToken.isIdentifier("s"), cursor.peek().kind == .punctuation,
            cursor.peek().column == operatorToken.endColumn
        {
            signed = true
            cursor.advance()
        }
        let symbol = cursor.current
        guard symbol.kind == .punctuation, let operation = Self.compoundOperations[symbol.text] else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "'=' or a compound assignment like '+='", "after '\(dst.token.text)'",
                    found: operatorToken.quoted), at: operatorToken)
        }
        cursor.advance()
        if signed {
            guard operation == .div || operation == .mod || operation == .rsh else {
                throw cursor.error(
                    AssemblyMessage.expected("s/=, s%= or s>>=", found: "'s\(symbol.text)'"), at: operatorToken)
            }
        }
        if operation == .mov { return try parseMoveLike(&cursor, destination: dst) }
        let source = try sourceOperand(&cursor, width: dst, "after '\(signed ? "s" : "")\(symbol.text)'")
        switch (operation, signed) {
        case (.rsh, true): return (.alu(.arsh, is64: dst.isWide, dst: dst.number, source), nil)
        case (_, true): return (.alu(operation, is64: dst.isWide, dst: dst.number, source, offset: 1), nil)
        default: return (.alu(operation, is64: dst.isWide, dst: dst.number, source), nil)
        }
    }

    private static let compoundOperations: [String: ALUOperation] = [
        "=": .mov, "+=": .add, "-=": .sub, "*=": .mul, "/=": .div, "%=": .mod, "|=": .or, "&=": .and,
        "^=": .xor, "<<=": .lsh, ">>=": .rsh,
    ]

    /// The right-hand sides of `rN = …`.
    private func parseMoveLike(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister
    ) throws(AssemblyError) -> (Instruction, LabelReference?) {
        let start = cursor.current
        if let src = try Self.registerIfPresent(cursor) {
            cursor.advance()
            // clang -S prints the zero-extending 32-bit move as `r1 = w6`: that is `w1 = w6`.
            if dst.isWide && !src.isWide {
                return (.alu(.mov, is64: false, dst: dst.number, .register(src.number)), nil)
            }
            try requireSameWidth(dst, src, cursor, "this move")
            return (.alu(.mov, is64: dst.isWide, dst: dst.number, .register(src.number)), nil)
        }
        if start.isPunctuation("-"), let src = try Self.registerIfPresent(cursor, at: 1) {
            cursor.advance()
            cursor.advance()
            guard src.number == dst.number, src.isWide == dst.isWide else {
                throw cursor.error(
                    AssemblyMessage.sameRegisterRequired("negation '\(dst.token.text) = -\(dst.token.text)'"), at: start
                )
            }
            return (.negate(is64: dst.isWide, dst: dst.number), nil)
        }
        if cursor.isAtNumber {
            let hasSuffix = cursor.peek(start.kind == .number ? 1 : 2).isIdentifier("ll")
            if hasSuffix {
                guard dst.isWide else {
                    throw cursor.error(
                        AssemblyMessage.registerWidth(dst.token.text, expected: "rN for an 'll' immediate"),
                        at: dst.token)
                }
                let imm = try cursor.signedNumber(.immediate64, what: "a 64-bit immediate").value
                cursor.advance()
                return (.loadImmediate64(dst: dst.number, imm: imm), nil)
            }
            var probe = cursor
            let fits64Bits = (try? probe.signedNumber(.immediate64, what: "immediate")) != nil
            do {
                let imm = try cursor.signedNumber(.immediate32, what: "immediate").value
                return (.alu(.mov, is64: dst.isWide, dst: dst.number, .immediate(imm)), nil)
            } catch {
                var hinted = error
                if dst.isWide && fits64Bits { hinted.message += " (write 'VALUE ll' for a 64-bit immediate)" }
                throw hinted
            }
        }
        if cursor.isAtPseudoLoadImmediate {
            guard dst.isWide else {
                throw cursor.error(
                    AssemblyMessage.registerWidth(dst.token.text, expected: "a 64-bit register (rN)"), at: dst.token)
            }
            let (source, imm, label) = try cursor.pseudoLoadImmediate()
            _ = cursor.acceptIdentifier("ll")
            return (.loadImmediate64(dst: dst.number, source: source, imm: imm), label)
        }
        if start.isPunctuation("(") { return (try parseMoveSignExtend(&cursor, destination: dst), nil) }
        if start.isPunctuation("*") { return (try parseLoad(&cursor, destination: dst), nil) }
        guard start.kind == .identifier else {
            throw cursor.error(
                AssemblyMessage.expected("a register, an immediate or a load", "after '='", found: start.quoted))
        }
        if cursor.peek().isIdentifier("ll") {
            throw cursor.error(AssemblyMessage.unresolvedSymbol(start.text))
        }
        if let (conversion, bits) = Self.byteSwaps[start.text] {
            cursor.advance()
            let src = try register(&cursor, wide: true, "after '\(start.text)'")
            guard src.number == dst.number, dst.isWide else {
                throw cursor.error(AssemblyMessage.sameRegisterRequired("'\(start.text)'"), at: dst.token)
            }
            return (.byteSwap(conversion, bits: bits, dst: dst.number), nil)
        }
        return (try parseAtomicFunction(&cursor, destination: dst), nil)
    }

    private static let byteSwaps: [String: (ByteOrderConversion, Int)] = {
        var table: [String: (ByteOrderConversion, Int)] = [:]
        for bits in [16, 32, 64] {
            table["le\(bits)"] = (.toLittleEndian, bits)
            table["be\(bits)"] = (.toBigEndian, bits)
            table["bswap\(bits)"] = (.swap, bits)
        }
        return table
    }()

    /// `(s8)r1`, `(s16)w1`, `(s32)r1`.
    private func parseMoveSignExtend(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister
    ) throws(AssemblyError) -> Instruction {
        cursor.advance()
        let type = cursor.current
        let bits: Int
        switch type.text {
        case "s8": bits = 8
        case "s16": bits = 16
        case "s32": bits = 32
        default: throw cursor.error(AssemblyMessage.expected("'s8', 's16' or 's32'", "after '('", found: type.quoted))
        }
        cursor.advance()
        try cursor.expect(")", "after '\(type.text)'")
        let src = try register(&cursor, wide: dst.isWide, "after '(\(type.text))'")
        try requireSameWidth(dst, src, cursor, "this move")
        return .moveSignExtend(fromBits: bits, is64: dst.isWide, dst: dst.number, src: src.number)
    }

    // MARK: Jumps and calls

    private static let comparisons: [String: JumpOperation] = [
        "==": .jeq, "!=": .jne, ">": .jgt, ">=": .jge, "<": .jlt, "<=": .jle, "&": .jset,
    ]
    private static let signedComparisons: [String: JumpOperation] = [">": .jsgt, ">=": .jsge, "<": .jslt, "<=": .jsle]

    /// `if rA OP rB|imm goto TARGET`.
    private func parseConditionalJump(
        _ cursor: inout AssemblyTokenCursor
    ) throws(AssemblyError) -> (Instruction, LabelReference?) {
        let left = try register(&cursor, wide: nil, "after 'if'")
        let operatorToken = cursor.current
        var table = Self.comparisons
        if operatorToken.isIdentifier("s"), cursor.peek().kind == .punctuation,
            cursor.peek().column == operatorToken.endColumn
        {
            table = Self.signedComparisons
            cursor.advance()
        }
        guard cursor.current.kind == .punctuation, let operation = table[cursor.current.text] else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "a comparison (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=)",
                    "after '\(left.token.text)'", found: operatorToken.quoted),
                at: operatorToken)
        }
        cursor.advance()
        let source = try sourceOperand(&cursor, width: left, "after the comparison")
        try cursor.expectIdentifier("goto", "after the comparison")
        let is32 = !left.isWide
        switch try cursor.jumpTarget(.jump16, field: .offset, "after 'goto'") {
        case .relative(let distance):
            return (.jump(operation, is32: is32, dst: left.number, source, offset: Int16(distance)), nil)
        case .label(let label):
            return (.jump(operation, is32: is32, dst: left.number, source, offset: 0), label)
        }
    }

    /// `call 0x1` (helper; negative: local), `call pc+3`/`call pc-2` (local), `call label` (local).
    private func parseCall(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> (Instruction, LabelReference?)
    {
        if cursor.current.isIdentifier("pc"), cursor.peek().isPunctuation("+") || cursor.peek().isPunctuation("-") {
            cursor.advance()
            return (
                .call(.local, imm: try cursor.signedNumber(.jump32, what: "call distance", "after 'pc'").value), nil
            )
        }
        if cursor.current.kind == .identifier {
            let name = cursor.advance()
            return (
                .call(.local, imm: 0),
                LabelReference(
                    name: name.text, field: .immediate, line: cursor.line.number,
                    column: name.column)
            )
        }
        guard cursor.isAtNumber else {
            throw cursor.error(
                AssemblyMessage.expected("a helper id, 'pc+N' or a label", "after 'call'", found: cursor.current.quoted)
            )
        }
        let imm = try cursor.signedNumber(.immediate32, what: "helper id").value
        return (.call(imm < 0 ? .local : .helper, imm: imm), nil)
    }

    // MARK: Operands

    /// A register as the LLVM dialect spells it: `rN` (64-bit view) or `wN` (32-bit view).
    struct LLVMRegister {
        var number: UInt8
        var isWide: Bool
        var token: AssemblyToken
    }

    /// The register named by the token `distance` ahead, nil if that token is no register name.
    /// `r11`–`r99` are refused rather than taken for labels.
    static func registerIfPresent(
        _ cursor: AssemblyTokenCursor, at distance: Int = 0
    ) throws(AssemblyError) -> LLVMRegister? {
        let token = cursor.peek(distance)
        guard token.kind == .identifier, let prefix = token.text.utf8.first,
            prefix == UInt8(ascii: "r") || prefix == UInt8(ascii: "w"),
            token.text.utf8.count >= 2, token.text.utf8.count <= 3,
            let number = UInt8(token.text.dropFirst())
        else { return nil }
        guard number <= 10 else {
            throw cursor.error(AssemblyMessage.invalidRegister(token.text, valid: "r0-r10 and w0-w10"), at: token)
        }
        return LLVMRegister(number: number, isWide: prefix == UInt8(ascii: "r"), token: token)
    }

    /// A register; `wide` demands rN (true) or wN (false), nil accepts either.
    func register(
        _ cursor: inout AssemblyTokenCursor, wide: Bool?, _ context: String
    ) throws(AssemblyError) -> LLVMRegister {
        guard let register = try Self.registerIfPresent(cursor) else {
            throw cursor.error(AssemblyMessage.expected("register", context, found: cursor.current.quoted))
        }
        if let wide, register.isWide != wide {
            throw cursor.error(AssemblyMessage.registerWidth(register.token.text, expected: wide ? "rN" : "wN"))
        }
        cursor.advance()
        return register
    }

    /// A register of the same width as `width`, or a 32-bit immediate.
    private func sourceOperand(
        _ cursor: inout AssemblyTokenCursor, width: LLVMRegister, _ context: String
    ) throws(AssemblyError) -> SourceOperand {
        if let src = try Self.registerIfPresent(cursor) {
            try requireSameWidth(width, src, cursor, "this instruction")
            cursor.advance()
            return .register(src.number)
        }
        guard cursor.isAtNumber else {
            throw cursor.error(AssemblyMessage.expected("register or immediate", context, found: cursor.current.quoted))
        }
        return .immediate(try cursor.signedNumber(.immediate32, what: "immediate").value)
    }

    func requireSameWidth(
        _ a: LLVMRegister, _ b: LLVMRegister, _ cursor: AssemblyTokenCursor, _ context: String
    ) throws(AssemblyError) {
        guard a.isWide == b.isWide else {
            throw cursor.error(AssemblyMessage.mixedRegisterWidths(context), at: b.token)
        }
    }

    /// Fields objdump's text leaves out, taken from the raw bytes printed on the same line.
    private static func completed(_ instruction: Instruction, from raw: [UInt8]) -> Instruction {
        guard raw.count >= 8, raw[0] == instruction.opcode else { return instruction }
        var result = instruction
        let rawImm = Int64(
            Int32(bitPattern: UInt32(raw[4]) | UInt32(raw[5]) << 8 | UInt32(raw[6]) << 16 | UInt32(raw[7]) << 24))
        switch instruction.kind {
        case .call?:
            result.src = raw[1] >> 4
            if CallKind(rawValue: result.src) == nil { result.src = instruction.src }
        case .loadImmediate64? where instruction.src != 0 && raw.count == 16:
            let high = UInt64(raw[12]) | UInt64(raw[13]) << 8 | UInt64(raw[14]) << 16 | UInt64(raw[15]) << 24
            result.imm = Int64(bitPattern: UInt64(UInt32(truncatingIfNeeded: instruction.imm)) | high << 32)
        case .packetLoad(_, indirect: true)?:
            result.imm = rawImm
        default:
            break
        }
        return result
    }
}
