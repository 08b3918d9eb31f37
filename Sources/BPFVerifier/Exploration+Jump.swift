import BPFABI
import BPFISA

// Conditional jumps: `check_cond_jmp_op`. A direction the bounds decide is the only one walked;
// otherwise both are, each with what the comparison proves: scalar bounds on both sides (and on
// every register linked to them), a packet range after `data + N <= data_end`, a non-NULL pointer
// after `p != 0`.

extension Exploration {
    func stepJump(_ insn: Instruction, _ op: JumpOperation, is32: Bool, source: OperandSource) throws(VerificationError) -> StepOutcome {
        let d = Int(insn.dst), s = Int(insn.src)
        let target = Self.target(program, index)!
        let left = try read(d)
        let right: RegisterState
        if source == .register {
            right = try read(s)
        } else {
            right = .constant(is32 ? UInt64(UInt32(bitPattern: insn.imm32)) : UInt64(bitPattern: insn.imm))
        }
        let comparison = Self.comparison(op)

        // Pointer comparisons.
        if left.isPointer || right.isPointer {
            // An unprivileged loader may compare a pointer source only with another packet pointer.
            if options.strict, source == .register, right.isPointer, !(left.type.isPacketAny && right.type.isPacketAny) {
                throw error("R\(s) pointer comparison prohibited")
            }
            if let outcome = try pointerJump(d: d, s: s, left, right, comparison, is32: is32, source: source, target: target) {
                return outcome
            }
            // Anything else about pointers proves nothing: walk both ways unchanged (an unprivileged
            // loader may not compare pointers at all).
            if options.strict { throw error("R\(d) pointer comparison prohibited") }
            try push(state, at: target)
            return .next
        }

        if let taken = ScalarBounds.branchTaken(comparison, left.bounds, right.bounds, is32: is32) {
            try pushSpeculative(taken ? index + 1 : target, d: d, s: s, source: source)
            return taken ? .jump(to: target) : .next
        }
        let takenRefined = ScalarBounds.refine(comparison, left.bounds, right.bounds, is32: is32)
        let fallRefined = ScalarBounds.refine(comparison.negated, left.bounds, right.bounds, is32: is32)
        var takenState = state
        if let (a, b) = takenRefined {
            apply(a, to: d, left, in: &takenState)
            if source == .register { apply(b, to: s, right, in: &takenState) }
        }
        if let (a, b) = fallRefined {
            var current = state
            apply(a, to: d, left, in: &current)
            if source == .register { apply(b, to: s, right, in: &current) }
            state = current
        }
        switch (takenRefined != nil, fallRefined != nil) {
        case (true, true):
            try push(takenState, at: target)
            return .next
        case (true, false):
            state = takenState
            return .jump(to: target)
        case (false, true):
            return .next
        case (false, false):
            // Contradictory bounds: the path cannot happen at all.
            return .pathEnd
        }
    }

    /// `sanitize_speculative_path`: where a branch's direction is known, an unprivileged loader
    /// also walks the other way, speculatively, with the compared registers unknown.
    private func pushSpeculative(_ target: Int, d: Int, s: Int, source: OperandSource) throws(VerificationError) {
        guard options.strict else { return }
        var speculative = state
        speculative.isSpeculative = true
        speculative.current.registers[d] = .unknownScalar
        if source == .register { speculative.current.registers[s] = .unknownScalar }
        try push(speculative, at: target)
    }

    /// Puts refined scalar bounds into register `r` and every register or spill linked to it
    /// (`sync_linked_regs`): the same bounds, or shifted by the constant two linked registers are
    /// apart.
    private func apply(_ bounds: ScalarBounds, to r: Int, _ original: RegisterState, in target: inout VerifierState) {
        var value = original
        value.bounds = bounds
        target.current.registers[r] = value
        guard original.id != 0 else { return }
        let currentFrame = target.frames.count - 1
        func linked(_ other: RegisterState) -> ScalarBounds? {
            guard other.isScalar, other.baseID == original.baseID else { return nil }
            let flags = RegisterState.addConstFlags
            // A 32-bit sum and a 64-bit one of the same base are not a constant apart.
            if (other.id ^ original.id) & flags == flags { return nil }
            let bothPlain = (other.id | original.id) & flags == 0
            if bothPlain || other.offset == original.offset { return bounds }
            let delta = Int64(other.offset) - Int64(original.offset)
            // With a 32-bit link on either side the values are 32-bit sums, zero-extended; a 32-bit
            // link is made only from a value that fits 32 bits, so it can be undone both ways.
            var shifted = ScalarBounds.apply(.add, bounds, .constant(UInt64(bitPattern: delta)),
                                             is64: (other.id | original.id) & RegisterState.addConst32Flag == 0)
            shifted.sync()
            return shifted
        }
        for f in target.frames.indices {
            for i in 0..<11 where !(f == currentFrame && i == r) {
                if let refined = linked(target.frames[f].registers[i]) { target.frames[f].registers[i].bounds = refined }
            }
            for slot in 0..<StackState.slotCount {
                if var spilled = target.frames[f].stack.slots[slot].spilled, let refined = linked(spilled) {
                    spilled.bounds = refined
                    target.frames[f].stack.slots[slot].spilled = spilled
                }
            }
        }
    }

    static func comparison(_ op: JumpOperation) -> Comparison {
        switch op {
        case .jeq: .eq
        case .jne: .ne
        case .jgt: .gt
        case .jge: .ge
        case .jlt: .lt
        case .jle: .le
        case .jsgt: .sgt
        case .jsge: .sge
        case .jslt: .slt
        case .jsle: .sle
        default: .set
        }
    }

    /// Comparisons involving pointers: NULL checks and packet range checks. Returns nil when the
    /// comparison proves nothing the verifier tracks.
    private func pointerJump(d: Int, s: Int, _ left: RegisterState, _ right: RegisterState, _ comparison: Comparison,
                             is32: Bool, source: OperandSource, target: Int) throws(VerificationError) -> StepOutcome? {
        // NULL checks: `if (p == 0)` / `if (p != 0)` on a maybe-NULL pointer, with the immediate 0
        // (the kernel learns nothing from a register holding 0, nor from a 32-bit compare).
        if left.maybeNull, source == .immediate, right.bounds.constantValue == 0, !is32,
           comparison == .eq || comparison == .ne {
            var isNull = state, notNull = state
            markNull(left, null: true, in: &isNull)
            markNull(left, null: false, in: &notNull)
            if comparison == .eq {
                try push(isNull, at: target)
                state = notNull
            } else {
                try push(notNull, at: target)
                state = isNull
            }
            return .next
        }
        // A pointer that cannot be NULL (`reg_not_null`) compared with the constant 0, on either
        // side: the direction is known (`is_branch_taken`).
        let (pointer, other) = left.isPointer ? (left, right) : (right, left)
        if pointer.isNeverNull, other.isScalar, let constant = other.bounds.constantValue,
           (is32 ? constant & 0xffff_ffff : constant) == 0 {
            if comparison == .eq {
                try pushSpeculative(target, d: d, s: s, source: source)
                return .next
            }
            if comparison == .ne {
                try pushSpeculative(index + 1, d: d, s: s, source: source)
                return .jump(to: target)
            }
        }
        // Packet range checks: pkt vs pkt_end, pkt_meta vs pkt, in either order.
        guard !is32, source == .register else { return nil }
        let forward = (left.type == .packet && right.type == .packetEnd) || (left.type == .packetMeta && right.type == .packet)
        let backward = (left.type == .packetEnd && right.type == .packet) || (left.type == .packet && right.type == .packetMeta)
        guard forward || backward else { return nil }
        var taken = state
        var fall = state
        // try_match_pkt_pointers: which branch learns what.
        switch (comparison, forward) {
        case (.gt, true): findGoodPacketPointers(left, rightOpen: false, in: &fall)      // data' > end: fall-through has data' <= end
        case (.gt, false): findGoodPacketPointers(right, rightOpen: true, in: &taken)    // end > data'
        case (.lt, true): findGoodPacketPointers(left, rightOpen: true, in: &taken)      // data' < end
        case (.lt, false): findGoodPacketPointers(right, rightOpen: false, in: &fall)    // end < data': fall-through end >= data'
        case (.ge, true): findGoodPacketPointers(left, rightOpen: true, in: &fall)       // data' >= end: fall-through data' < end
        case (.ge, false): findGoodPacketPointers(right, rightOpen: false, in: &taken)   // end >= data'
        case (.le, true): findGoodPacketPointers(left, rightOpen: false, in: &taken)     // data' <= end
        case (.le, false): findGoodPacketPointers(right, rightOpen: true, in: &fall)     // end <= data': fall-through end > data'
        default: return nil
        }
        try push(taken, at: target)
        state = fall
        return .next
    }

    /// `find_good_pkt_pointers`: every packet pointer of the compared pointer's id may now access
    /// bytes up to its fixed offset (one more when the comparison was strict).
    private func findGoodPacketPointers(_ pointer: RegisterState, rightOpen: Bool, in target: inout VerifierState) {
        if pointer.offset < 0 || (pointer.offset == 0 && rightOpen) { return }
        if pointer.bounds.umax > Self.maxPacketOffset || pointer.bounds.umax + UInt64(pointer.offset) > Self.maxPacketOffset { return }
        let newRange = pointer.offset + (rightOpen ? 1 : 0)
        for f in target.frames.indices {
            for i in 0..<11 {
                let r = target.frames[f].registers[i]
                if r.type == pointer.type && r.id == pointer.id { target.frames[f].registers[i].range = max(r.range, newRange) }
            }
            for slot in 0..<StackState.slotCount {
                if var spilled = target.frames[f].stack.slots[slot].spilled, spilled.type == pointer.type, spilled.id == pointer.id {
                    spilled.range = max(spilled.range, newRange)
                    target.frames[f].stack.slots[slot].spilled = spilled
                }
            }
        }
    }

    /// `mark_ptr_or_null_regs`: after a NULL check every copy of the pointer (same id) is either
    /// the pointer (no longer maybe-NULL) or the scalar 0; a NULL ring buffer record holds no reference.
    private func markNull(_ pointer: RegisterState, null: Bool, in target: inout VerifierState) {
        func update(_ r: inout RegisterState) {
            guard r.maybeNull, r.id == pointer.id, r.type == pointer.type else { return }
            if null {
                r = .constant(0)
            } else {
                r.maybeNull = false
            }
        }
        for f in target.frames.indices {
            for i in 0..<11 { update(&target.frames[f].registers[i]) }
            for slot in 0..<StackState.slotCount {
                if var spilled = target.frames[f].stack.slots[slot].spilled {
                    update(&spilled)
                    target.frames[f].stack.slots[slot].spilled = spilled
                }
            }
        }
        if null && pointer.referenceID != 0 { target.references[pointer.referenceID] = nil }
    }
}
