// The LLVM dialect's memory forms: loads, stores, atomics, legacy packet loads and lddw
// pseudo loads. Register widths follow objdump: 64-bit accesses name rN; narrower ones name
// wN with alu32 (-mcpu=v3 and later) or rN without, so both are read; sign-extending loads
// produce 64 bits and name rN.

extension LLVMSyntaxParser {
    /// `(u32 *)`: the access size and whether the type is signed (`s8`/`s16`/`s32`).
    private func accessType(
        _ cursor: inout AssemblyTokenCursor
    ) throws(AssemblyError) -> (AccessSize, signed: Bool, token: AssemblyToken) {
        try cursor.expect("(", "before the access type")
        let type = cursor.current
        let types: [String: (AccessSize, Bool)] = [
            "u8": (.byte, false), "u16": (.half, false), "u32": (.word, false), "u64": (.doubleWord, false),
            "s8": (.byte, true), "s16": (.half, true), "s32": (.word, true),
        ]
        guard type.kind == .identifier, let (size, signed) = types[type.text] else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "an access type (u8, u16, u32, u64, s8, s16, s32)", "after '('",
                    found: type.quoted))
        }
        cursor.advance()
        try cursor.expect("*", "after '\(type.text)'")
        try cursor.expect(")", "after '\(type.text) *'")
        return (size, signed, type)
    }

    /// `rN + 0x8`, `rN - 0x8`, `rN` (without the parentheses).
    private func address(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> (base: UInt8, offset: Int16) {
        let base = try register(&cursor, wide: true, "for the address")
        guard cursor.current.isPunctuation("+") || cursor.current.isPunctuation("-") else { return (base.number, 0) }
        if cursor.current.isPunctuation("+"), cursor.peek().isPunctuation("-") { cursor.advance() }
        let offset = try cursor.signedNumber(.offset16, what: "offset", "after '\(base.token.text)'").value
        return (base.number, Int16(truncatingIfNeeded: offset))
    }

    /// `(rN + 0x8)`.
    private func parenthesizedAddress(
        _ cursor: inout AssemblyTokenCursor
    ) throws(AssemblyError) -> (base: UInt8, offset: Int16) {
        try cursor.expect("(", "before the address")
        let result = try address(&cursor)
        try cursor.expect(")", "after the address")
        return result
    }

    /// Narrow accesses read and write rN or wN; 64-bit ones only rN.
    private func requireWidth(
        _ register: LLVMRegister, for size: AccessSize, _ cursor: AssemblyTokenCursor
    ) throws(AssemblyError) {
        if size == .doubleWord, !register.isWide {
            throw cursor.error(
                AssemblyMessage.registerWidth(register.token.text, expected: "rN for a 64-bit access"),
                at: register.token)
        }
    }

    /// `rD = *(u32 *)(rS + off)`, `rD = *(s8 *)(rS - off)`, `r0 = *(u16 *)skb[…]`.
    func parseLoad(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister
    ) throws(AssemblyError) -> Instruction {
        cursor.advance()
        let (size, signed, type) = try accessType(&cursor)
        if cursor.acceptIdentifier("skb") {
            return try parsePacketLoad(&cursor, destination: dst, size: size, type: type)
        }
        if signed, size == .doubleWord || !dst.isWide {
            throw cursor.error(
                AssemblyMessage.registerWidth(dst.token.text, expected: "rN for a sign-extending load"),
                at: dst.token)
        }
        try requireWidth(dst, for: size, cursor)
        let (src, offset) = try parenthesizedAddress(&cursor)
        return .load(size, signExtend: signed, dst: dst.number, src: src, offset: offset)
    }

    /// `skb[0x17]`, `skb[r1]`, `skb[r1 + 0x2]` after `r0 = *(u8 *)`.
    private func parsePacketLoad(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister, size: AccessSize, type: AssemblyToken
    ) throws(AssemblyError) -> Instruction {
        guard dst.number == 0, dst.isWide else {
            throw cursor.error(AssemblyMessage.packetLoadDestination(dst.token.text), at: dst.token)
        }
        guard size != .doubleWord, !type.text.hasPrefix("s") else {
            throw cursor.error(AssemblyMessage.unsupportedAccessSize(type.text, "a packet load"), at: type)
        }
        try cursor.expect("[", "after 'skb'")
        var index: UInt8?
        var imm: Int64 = 0
        if let register = try Self.registerIfPresent(cursor) {
            index = try self.register(&cursor, wide: true, "in 'skb[...]'").number
            if cursor.current.isPunctuation("+") || cursor.current.isPunctuation("-") {
                if cursor.current.isPunctuation("+"), cursor.peek().isPunctuation("-") { cursor.advance() }
                imm = try cursor.signedNumber(.immediate32, what: "offset", "after '\(register.token.text)'").value
            }
        } else {
            imm = try cursor.signedNumber(.immediate32, what: "a packet offset or register", "after 'skb['").value
        }
        try cursor.expect("]", "to close 'skb[...]'")
        return .packetLoad(size, indexRegister: index, imm: imm)
    }

    /// `*(u64 *)(rD + off) = rS` or `= imm`.
    func parseStore(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> Instruction {
        cursor.advance()
        let (size, signed, type) = try accessType(&cursor)
        if signed { throw cursor.error(AssemblyMessage.unsupportedAccessSize(type.text, "a store"), at: type) }
        let (dst, offset) = try parenthesizedAddress(&cursor)
        try cursor.expect("=", "after the address")
        if let src = try Self.registerIfPresent(cursor) {
            try requireWidth(src, for: size, cursor)
            cursor.advance()
            return .store(size, dst: dst, offset: offset, .register(src.number))
        }
        guard cursor.isAtNumber else {
            throw cursor.error(
                AssemblyMessage.expected("register or immediate", "after '='", found: cursor.current.quoted))
        }
        let imm = try cursor.signedNumber(.immediate32, what: "immediate").value
        return .store(size, dst: dst, offset: offset, .immediate(imm))
    }

    private static let lockOperations: [String: AtomicOperation] = ["+=": .add, "|=": .or, "&=": .and, "^=": .xor]

    /// `lock *(u64 *)(rD + off) += rS` (also `|=`, `&=`, `^=`), after `lock`.
    func parseLock(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> Instruction {
        guard cursor.current.isPunctuation("*") else {
            throw cursor.error(
                AssemblyMessage.expected("'*(u64 *)(rN + off)'", "after 'lock'", found: cursor.current.quoted))
        }
        cursor.advance()
        let (size, _) = try atomicAccessType(&cursor)
        let (dst, offset) = try parenthesizedAddress(&cursor)
        let symbol = cursor.current
        guard symbol.kind == .punctuation, let operation = Self.lockOperations[symbol.text] else {
            throw cursor.error(
                AssemblyMessage.expected("'+=', '|=', '&=' or '^='", "after the address", found: symbol.quoted))
        }
        cursor.advance()
        let src = try register(&cursor, wide: nil, "after '\(symbol.text)'")
        try requireWidth(src, for: size, cursor)
        return .atomic(size, dst: dst, src: src.number, offset: offset, imm: Int64(operation.immediate(fetch: false)))
    }

    /// Atomics exist for u32 and u64 only.
    private func atomicAccessType(
        _ cursor: inout AssemblyTokenCursor
    ) throws(AssemblyError) -> (AccessSize, AssemblyToken) {
        let (size, signed, type) = try accessType(&cursor)
        guard !signed, size == .word || size == .doubleWord else {
            throw cursor.error(
                AssemblyMessage.unsupportedAccessSize(type.text, "an atomic operation (u32 or u64)"), at: type)
        }
        return (size, type)
    }

    private static let fetchOperations: [String: AtomicOperation] = [
        "atomic_fetch_add": .add, "atomic_fetch_or": .or, "atomic_fetch_and": .and, "atomic_fetch_xor": .xor,
    ]

    /// `rD = atomic_fetch_add((u64 *)(rB + off), rD)`, `xchg_64`, `cmpxchg_64`, their 32-bit
    /// spellings, `load_acquire` and `addr_space_cast`.
    func parseAtomicFunction(
        _ cursor: inout AssemblyTokenCursor, destination dst: LLVMRegister
    ) throws(AssemblyError) -> Instruction {
        let name = cursor.advance()
        try cursor.expect("(", "after '\(name.text)'")
        let instruction: Instruction
        if let operation = Self.fetchOperations[name.text] {
            let (size, _) = try atomicAccessType(&cursor)
            let (base, offset) = try parenthesizedAddress(&cursor)
            try cursor.expect(",", "after the address")
            let src = try register(&cursor, wide: nil, "after ','")
            try requireWidth(src, for: size, cursor)
            try requireSameRegister(dst, src, "'\(name.text)' (the old value goes back into its source)", cursor)
            instruction = .atomic(
                size, dst: base, src: src.number, offset: offset, imm: Int64(operation.immediate(fetch: true)))
        } else if name.text == "xchg_64" || name.text == "xchg32_32" {
            let size: AccessSize = name.text == "xchg_64" ? .doubleWord : .word
            let (base, offset) = try address(&cursor)
            try cursor.expect(",", "after the address")
            let src = try register(&cursor, wide: size == .doubleWord, "after ','")
            try requireSameRegister(dst, src, "'\(name.text)' (the old value goes back into its source)", cursor)
            instruction = .atomic(
                size, dst: base, src: src.number, offset: offset,
                imm: Int64(AtomicOperation.exchange.immediate(fetch: true)))
        } else if name.text == "cmpxchg_64" || name.text == "cmpxchg32_32" {
            let wide = name.text == "cmpxchg_64"
            guard dst.number == 0, dst.isWide == wide else {
                throw cursor.error(
                    AssemblyMessage.expected(
                        wide ? "'r0 ='" : "'w0 ='", "for '\(name.text)' (it compares with and writes r0)",
                        found: "'\(dst.token.text)'"), at: dst.token)
            }
            let (base, offset) = try address(&cursor)
            try cursor.expect(",", "after the address")
            let comparand = try register(&cursor, wide: wide, "after ','")
            guard comparand.number == 0 else {
                throw cursor.error(
                    AssemblyMessage.expected(
                        wide ? "'r0'" : "'w0'", "as the value to compare with",
                        found: "'\(comparand.token.text)'"), at: comparand.token)
            }
            try cursor.expect(",", "after the compared value")
            let src = try register(&cursor, wide: wide, "after ','")
            instruction = .atomic(
                wide ? .doubleWord : .word, dst: base, src: src.number, offset: offset,
                imm: Int64(AtomicOperation.compareExchange.immediate(fetch: true)))
        } else if name.text == "load_acquire" {
            let (size, _, _) = try accessType(&cursor)
            let (base, offset) = try parenthesizedAddress(&cursor)
            try requireWidth(dst, for: size, cursor)
            instruction = .atomic(size, dst: dst.number, src: base, offset: offset, imm: 0x100)
        } else if name.text == "addr_space_cast" {
            let src = try register(&cursor, wide: true, "after '('")
            try cursor.expect(",", "after the register")
            let to = try cursor.signedNumber(.offset16, what: "address space", "after ','").value
            try cursor.expect(",", "after the address space")
            let from = try cursor.signedNumber(.offset16, what: "address space", "after ','").value
            instruction = .alu(.mov, is64: true, dst: dst.number, .register(src.number), offset: 1)
                .with(imm: Int64(Int32(truncatingIfNeeded: (to & 0xffff) << 16 | (from & 0xffff))))
        } else {
            throw cursor.error(
                AssemblyMessage.expected(
                    "a register, an immediate, a load or an atomic operation", "after '='",
                    found: name.quoted), at: name)
        }
        try cursor.expect(")", "to close '\(name.text)(...)'")
        return instruction
    }

    /// `store_release((u64 *)(rD + off), rS)`, after `store_release`.
    func parseStoreRelease(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> Instruction {
        try cursor.expect("(", "after 'store_release'")
        let (size, _, _) = try accessType(&cursor)
        let (base, offset) = try parenthesizedAddress(&cursor)
        try cursor.expect(",", "after the address")
        let src = try register(&cursor, wide: nil, "after ','")
        try requireWidth(src, for: size, cursor)
        try cursor.expect(")", "to close 'store_release(...)'")
        return .atomic(size, dst: base, src: src.number, offset: offset, imm: 0x110)
    }

    /// objdump's `ld_pseudo rD, SRC, IMM` (the low 32 bits; raw bytes may supply the rest).
    func parsePseudoLoad(_ cursor: inout AssemblyTokenCursor) throws(AssemblyError) -> Instruction {
        let dst = try register(&cursor, wide: true, "after 'ld_pseudo'")
        try cursor.expect(",", "after the register")
        let sourceToken = cursor.current
        let source = try cursor.signedNumber(.immediate32, what: "a pseudo source", "after ','").value
        guard (0...15).contains(source) else {
            throw cursor.error(AssemblyMessage.immediateOutOfRange(sourceToken.text, bits: 4), at: sourceToken)
        }
        try cursor.expect(",", "after the pseudo source")
        let imm = try cursor.signedNumber(.immediate32, what: "immediate", "after ','").value
        var instruction = Instruction.loadImmediate64(dst: dst.number, imm: Int64(UInt32(truncatingIfNeeded: imm)))
        instruction.src = UInt8(source)
        return instruction
    }

    private func requireSameRegister(
        _ dst: LLVMRegister, _ src: LLVMRegister, _ form: String, _ cursor: AssemblyTokenCursor
    ) throws(AssemblyError) {
        guard dst.number == src.number else {
            throw cursor.error(AssemblyMessage.sameRegisterRequired(form), at: src.token)
        }
    }
}

extension Instruction {
    func with(imm: Int64) -> Instruction {
        var copy = self
        copy.imm = imm
        return copy
    }
}
