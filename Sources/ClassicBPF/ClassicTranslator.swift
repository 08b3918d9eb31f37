public import BPFISA
import BPFABI

// Classic BPF to eBPF, as the kernel's `bpf_convert_filter()` (net/core/filter.c) does it, in
// a form skbpf's verifier accepts (the kernel never verifies its conversion):
//
//   prologue      r6 = r1 (ctx, as LD_ABS/LD_IND need), A = r0 = 0, X = r7 = 0
//   ld [k]        LD_ABS (out of the packet: the program ends returning 0)      ClassicTranslator+Loads
//   ld [x + k]    LD_IND, X as the index
//   ldxb 4*([k]&0xf)   r8 = A; LD_ABS k; A &= 0xf; A <<= 2; X = A; A = r8
//   ld #len       A = ctx->len            ancillary loads: ctx fields or calls   ClassicTranslator+Ancillary
//   ld M[k]/st    32-bit stack words at r10 - 4k - 4
//   alu           32-bit ALU on r0; div/mod by X tests X first (0 returns 0)
//   jxx jt, jf    one eBPF jump when a way falls through (inverted when jt does), else jxx + ja
//   ret #k/a      r0 = k; exit / exit
//   unreachable   left out (eBPF's verifier refuses unreachable code)
//
// Every classic value is 32 bits and every ALU operation a 32-bit one, so r0 and r7 always
// hold zero-extended values and the 64-bit jumps compare what the classic ones compare.

/// Translates checked classic programs into eBPF.
public struct ClassicTranslator {
    /// Where absolute packet offsets start, and which classic rules apply where Linux and
    /// libpcap differ.
    public struct Options: Sendable, Hashable {
        /// Where offset 0 of `ld [k]` / `ld [x + k]` is.
        public enum PacketOrigin: String, Sendable, Hashable, CaseIterable {
            /// `skb->data`, the kernel's choice: the link-layer header for a packet socket or a
            /// device hook, the network header at a netfilter hook, the transport header at a
            /// socket's receive path.
            case data
            /// The network header, wherever `data` is (loads at `SKF_NET_OFF + k`): for a filter
            /// compiled for raw IP (libpcap's `RAW`) run where `data` is elsewhere.
            case networkHeader
            /// The link-layer header (loads at `SKF_LL_OFF + k`).
            case linkHeader
        }

        /// Whose run-time rules the program follows where the two differ.
        public enum Semantics: String, Sendable, Hashable, CaseIterable {
            /// The kernel's: a shift by X uses X's low 5 bits; `ld [x + k]` adds as signed
            /// 32-bit numbers (a negative sum reaches the `SKF_*` areas).
            case linux
            /// libpcap's `bpf_filter()` (`pcap_offline_filter`): a shift by X ≥ 32 gives 0;
            /// `x + k` is unsigned, and past 2^31 it is outside any packet.
            case libpcap
        }

        public var packetOrigin: PacketOrigin
        public var semantics: Semantics

        public init(packetOrigin: PacketOrigin = .data, semantics: Semantics = .linux) {
            self.packetOrigin = packetOrigin
            self.semantics = semantics
        }
    }

    /// Checks `program` with the kernel's rules (``ClassicChecker``), then translates it.
    /// - Throws: the checker's ``ClassicCheckError``, or one naming a jump the translation
    ///   stretched past eBPF's 16-bit offsets (the kernel refuses those too).
    public static func translate(_ program: ClassicProgram, options: Options = Options()) throws(ClassicCheckError)
        -> ClassicTranslation
    {
        try ClassicChecker.check(program, rules: options.semantics)
        var translator = ClassicTranslator(program: program, options: options)
        return try translator.run()
    }

    let classic: [ClassicInstruction]
    let options: Options
    let bounds: [ClassicValueBounds]
    var output: [Instruction] = []
    var firstInstruction: [Int] = []
    /// Jumps to patch once every block's start is known: (eBPF index, classic target).
    var pendingJumps: [(at: Int, target: Int, classicIndex: Int)] = []
    var callsClassicExtensions = false

    init(program: ClassicProgram, options: Options) {
        classic = program.instructions
        self.options = options
        bounds = ClassicValueBounds.compute(program, shiftsBeyond31GiveZero: options.semantics == .libpcap)
    }

    mutating func run() throws(ClassicCheckError) -> ClassicTranslation {
        emit(EBPF.move64(EBPF.context, 1))
        emit(EBPF.move32(EBPF.a, imm: 0))
        emit(EBPF.move32(EBPF.x, imm: 0))
        // Instructions no path reaches are left out: eBPF's verifier refuses unreachable code
        // (the kernel never verifies its own conversion, so it keeps them).
        let reachable = Self.reachability(classic)
        for (pc, insn) in classic.enumerated() {
            firstInstruction.append(output.count)
            if reachable[pc] { translate(insn, at: pc) }
        }
        for jump in pendingJumps {
            let distance = firstInstruction[jump.target] - jump.at - 1
            guard let offset = Int16(exactly: distance) else {
                throw ClassicCheckError(
                    instructionIndex: jump.classicIndex,
                    message: "the jump to insn \(jump.target) spans \(distance) eBPF instructions once translated, more than a 16-bit offset holds")
            }
            output[jump.at].offset = offset
        }
        return ClassicTranslation(classic: ClassicProgram(classic), program: Program(instructions: output),
                                  firstInstruction: firstInstruction, callsClassicExtensions: callsClassicExtensions,
                                  options: options)
    }

    /// Which instructions some path from the first one reaches (the program is checked).
    static func reachability(_ insns: [ClassicInstruction]) -> [Bool] {
        var reachable = [Bool](repeating: false, count: insns.count)
        var pending = [0]
        while let pc = pending.popLast() {
            guard !reachable[pc] else { continue }
            reachable[pc] = true
            let insn = insns[pc]
            switch insn.operation {
            case .returnK?, .returnA?: break
            case .jumpAlways?: pending.append(ClassicChecker.jumpTarget(pc, insn.k, count: insns.count)!)
            case .jump?: pending += [pc + 1 + Int(insn.jt), pc + 1 + Int(insn.jf)]
            default: pending.append(pc + 1)
            }
        }
        return reachable
    }

    mutating func emit(_ instruction: Instruction) { output.append(instruction) }

    /// Emits `instruction` (a jump) aimed at classic instruction `target`.
    mutating func emit(_ instruction: Instruction, jumpingTo target: Int, from pc: Int) {
        pendingJumps.append((at: output.count, target: target, classicIndex: pc))
        output.append(instruction)
    }

    /// `r0 = 0; exit`: what a classic filter does when a load or a division cannot be done.
    mutating func emitReturnZero() {
        emit(EBPF.move32(EBPF.a, imm: 0))
        emit(EBPF.exit)
    }

    private mutating func translate(_ insn: ClassicInstruction, at pc: Int) {
        let k = insn.k
        // The checker has refused every instruction without an operation.
        guard let operation = insn.operation else { return }
        switch operation {
        case .loadAbsolute(let size):
            if let field = AncillaryField(k: k) { emitAncillaryLoad(field) } else { emitPacketLoad(size, k: k, indexed: false, at: pc) }
        case .loadIndirect(let size): emitPacketLoad(size, k: k, indexed: true, at: pc)
        case .loadLength: emit(EBPF.loadWord(EBPF.a, EBPF.context, offset: Self.lengthOffset))
        case .loadImmediate: emit(EBPF.move32(EBPF.a, imm: k))
        case .loadScratch: emit(EBPF.loadWord(EBPF.a, EBPF.frame, offset: EBPF.scratchOffset(k)))
        case .loadXLength: emit(EBPF.loadWord(EBPF.x, EBPF.context, offset: Self.lengthOffset))
        case .loadXImmediate: emit(EBPF.move32(EBPF.x, imm: k))
        case .loadXScratch: emit(EBPF.loadWord(EBPF.x, EBPF.frame, offset: EBPF.scratchOffset(k)))
        case .loadXHeaderLength:
            emit(EBPF.move64(EBPF.saved, EBPF.a))
            emitPacketLoad(.byte, k: k, indexed: false, at: pc)
            emit(EBPF.alu32(.and, EBPF.a, imm: 0xf))
            emit(EBPF.alu32(.lsh, EBPF.a, imm: 2))
            emit(EBPF.move64(EBPF.x, EBPF.a))
            emit(EBPF.move64(EBPF.a, EBPF.saved))
        case .storeA: emit(EBPF.storeWord(EBPF.frame, offset: EBPF.scratchOffset(k), EBPF.a))
        case .storeX: emit(EBPF.storeWord(EBPF.frame, offset: EBPF.scratchOffset(k), EBPF.x))
        case .alu(let op, .k): emit(EBPF.alu32(Self.aluOperation(op), EBPF.a, imm: k))
        case .alu(let op, .x): emitALUWithX(op, at: pc)
        case .negate: emit(EBPF.negate32(EBPF.a))
        case .jumpAlways:
            // The checker has proven the target inside the program (backwards only with libpcap's rules).
            emit(EBPF.jumpAlways(), jumpingTo: ClassicChecker.jumpTarget(pc, k, count: classic.count)!, from: pc)
        case .jump(let condition, let operand): emitConditionalJump(condition, operand, insn, at: pc)
        case .returnK:
            emit(EBPF.move32(EBPF.a, imm: k))
            emit(EBPF.exit)
        case .returnA: emit(EBPF.exit)
        case .moveAToX: emit(EBPF.move64(EBPF.x, EBPF.a))
        case .moveXToA: emit(EBPF.move64(EBPF.a, EBPF.x))
        }
    }

    /// `__sk_buff.len`.
    static let lengthOffset: Int16 = 0

    static func aluOperation(_ op: ClassicALUOperation) -> ALUOperation {
        switch op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        case .or: .or
        case .and: .and
        case .lsh: .lsh
        case .rsh: .rsh
        case .mod: .mod
        case .xor: .xor
        }
    }

    private mutating func emitALUWithX(_ op: ClassicALUOperation, at pc: Int) {
        switch op {
        case .div, .mod:
            // Division by X = 0 ends the filter with 0 (the kernel's conversion, and libpcap).
            emit(EBPF.jump(.jne, EBPF.x, imm: 0, is32: true).with(offset: 2))
            emitReturnZero()
        case .lsh, .rsh:
            // libpcap: a count of 32 or more gives 0 (eBPF, like x86, would use the count's low bits).
            guard options.semantics == .libpcap && bounds[pc].x > 31 else { break }
            emit(EBPF.jump(.jle, EBPF.x, imm: 31, is32: true).with(offset: 2))
            emit(EBPF.move32(EBPF.a, imm: 0))
            emit(EBPF.jumpAlways(1))
        default: break
        }
        emit(EBPF.alu32(Self.aluOperation(op), EBPF.a, EBPF.x))
    }

    private mutating func emitConditionalJump(_ condition: ClassicJumpCondition, _ operand: ClassicOperand,
                                              _ insn: ClassicInstruction, at pc: Int) {
        let trueTarget = pc + 1 + Int(insn.jt), falseTarget = pc + 1 + Int(insn.jf)
        if insn.jt == 0 && insn.jf == 0 { return }  // both ways lead to the next instruction
        func jump(_ op: JumpOperation) -> Instruction {
            switch operand {
            // A constant with bit 31 set would be sign-extended by a 64-bit compare: compare 32 bits.
            case .k: EBPF.jump(op, EBPF.a, imm: insn.k, is32: insn.k >= 0x8000_0000)
            case .x: EBPF.jump(op, EBPF.a, EBPF.x)
            }
        }
        let op: JumpOperation = switch condition {
        case .equal: .jeq
        case .greater: .jgt
        case .greaterOrEqual: .jge
        case .set: .jset
        }
        if insn.jf == 0 {
            emit(jump(op), jumpingTo: trueTarget, from: pc)
            return
        }
        if insn.jt == 0, let inverse = Self.inverse(op) {
            emit(jump(inverse), jumpingTo: falseTarget, from: pc)
            return
        }
        emit(jump(op), jumpingTo: trueTarget, from: pc)
        emit(EBPF.jumpAlways(), jumpingTo: falseTarget, from: pc)
    }

    /// The jump taken exactly when `op`'s is not (jset has none).
    static func inverse(_ op: JumpOperation) -> JumpOperation? {
        switch op {
        case .jeq: .jne
        case .jgt: .jle
        case .jge: .jlt
        default: nil
        }
    }
}

extension Instruction {
    /// This instruction with its offset field set.
    func with(offset: Int16) -> Instruction {
        var copy = self
        copy.offset = offset
        return copy
    }
}
