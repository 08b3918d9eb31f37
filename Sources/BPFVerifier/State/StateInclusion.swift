/// The comparisons pruning needs (`states_equal`, `regsafe`, `stacksafe`, `check_ids`): whether
/// an explored state is at least as general as the current one, so that every path from the
/// current state was already proven safe from the explored one.
enum StateInclusion {
    /// True if `old` includes `current`. Only `liveRegisters` of the innermost frame are compared
    /// (the others may hold anything), and of those only `decidingRegisters` by their bounds when
    /// both are scalars (``Liveness/decidesIn``); outer frames are compared whole.
    static func includes(_ old: VerifierState, _ current: VerifierState, liveRegisters: UInt16,
                         decidingRegisters: UInt16 = 0x7ff, liveSlots: UInt64 = .max, exactScalars: Bool = false) -> Bool {
        guard old.frames.count == current.frames.count, old.references.count == current.references.count else { return false }
        // A speculative path proves nothing about a real one.
        if old.isSpeculative && !current.isSpeculative { return false }
        var ids = IDMap()
        let innermost = old.frames.count - 1
        // Registers of every frame first (cheap, and where states usually differ), then stacks.
        for f in 0...innermost {
            guard old.frames[f].callSite == current.frames[f].callSite else { return false }
            let live: UInt16 = f == innermost ? liveRegisters : 0x7ff
            let deciding: UInt16 = f == innermost ? decidingRegisters : 0x7ff
            for r in 0..<11 where live & (1 << UInt16(r)) != 0 {
                let a = old.frames[f].registers[r], b = current.frames[f].registers[r]
                // A scalar whose value decides nothing later: any scalar will do (the kernel's
                // `!rold->precise` case of regsafe).
                if !exactScalars && deciding & (1 << UInt16(r)) == 0 && a.isScalar && b.isScalar { continue }
                if !registerIncludes(a, b, &ids, exactScalars: exactScalars) { return false }
            }
        }
        for f in 0...innermost
        where !stackIncludes(old.frames[f].stack, current.frames[f].stack, &ids, liveSlots: f == innermost ? liveSlots : .max,
                             exactScalars: exactScalars) {
            return false
        }
        for (id, _) in old.references {
            guard let mapped = ids.forward[id], current.references[mapped] != nil else { return false }
        }
        return true
    }

    /// True if the states are the same on the live registers and the stacks (an unfinished
    /// explored state equal to the current one means the loop makes no progress).
    static func equal(_ old: VerifierState, _ current: VerifierState, liveRegisters: UInt16) -> Bool {
        guard old.frames.count == current.frames.count, old.references == current.references else { return false }
        if old.isSpeculative && !current.isSpeculative { return false }
        for f in old.frames.indices {
            let a = old.frames[f], b = current.frames[f]
            guard a.callSite == b.callSite else { return false }
            let isInnermost = f == old.frames.count - 1
            for r in 0..<11 where !isInnermost || liveRegisters & (1 << UInt16(r)) != 0 {
                guard a.registers[r] == b.registers[r] else { return false }
            }
            guard a.stack.slots == b.stack.slots else { return false }
        }
        return true
    }

    /// A hash of what ``equal(_:_:liveRegisters:)`` compares: equal states hash alike.
    ///
    /// A few fields decide almost every inequality, mixed by multiplication (Hasher's SipHash
    /// was a tenth of payload_scan.o's verification).
    static func signature(_ state: VerifierState, liveRegisters: UInt16) -> Int {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
        for (f, frame) in state.frames.enumerated() {
            h = (h ^ UInt64(bitPattern: Int64(frame.callSite))) &* 0x100_0000_01b3
            let live: UInt16 = f == state.frames.count - 1 ? liveRegisters : 0x7ff
            for r in 0..<11 where live & (1 << UInt16(r)) != 0 {
                let value = frame.registers[r]
                let mixed = value.bounds.umin &+ 31 &* value.bounds.umax &+ UInt64(bitPattern: Int64(value.offset)) &* 7
                    &+ UInt64(value.range) &* 13 &+ UInt64(value.id) &* 17
                h = (h ^ mixed) &* 0x100_0000_01b3
                h ^= h >> 29
            }
        }
        return Int(bitPattern: UInt(h))
    }

    /// `check_ids`: ids of the old state must map one-to-one onto ids of the current state.
    struct IDMap {
        var pairs: [(old: UInt32, current: UInt32)] = []

        var forward: [UInt32: UInt32] { Dictionary(pairs.map { ($0.old, $0.current) }, uniquingKeysWith: { a, _ in a }) }

        mutating func match(_ old: UInt32, _ current: UInt32) -> Bool {
            if old == 0 && current == 0 { return true }
            if old == 0 || current == 0 { return old == 0 }
            for pair in pairs {
                if pair.old == old { return pair.current == current }
                if pair.current == current { return false }
            }
            pairs.append((old, current))
            return true
        }
    }

    /// `regsafe`.
    ///
    /// With `exactScalars` (`explore_alu_limits`) scalars must be equal, not merely included.
    static func registerIncludes(_ old: RegisterState, _ current: RegisterState, _ ids: inout IDMap,
                                 exactScalars: Bool = false) -> Bool {
        if old.type == .notInitialized { return true }
        guard old.type == current.type else { return false }
        switch old.type {
        case .notInitialized: return true
        case .scalar:
            // A linked scalar plus a constant must be the same constant ahead in both.
            let flags = RegisterState.addConstFlags
            if old.id & flags != current.id & flags { return false }
            if old.id & flags != 0 && old.offset != current.offset { return false }
            if exactScalars { return old.bounds == current.bounds && ids.match(old.id, current.id) }
            return old.bounds.includes(current.bounds) && (old.id == 0 || ids.match(old.id, current.id))
        case .packet, .packetMeta:
            return old.offset == current.offset && old.range <= current.range && old.bounds.includes(current.bounds)
                && ids.match(old.id, current.id)
        default:
            if current.maybeNull && !old.maybeNull { return false }
            return old.offset == current.offset && old.bounds.includes(current.bounds)
                && ids.match(old.id, current.id) && ids.match(old.referenceID, current.referenceID)
        }
    }

    /// `stacksafe`: every byte the old state relied on is at least as known in the current one.
    static func stackIncludes(_ old: StackState, _ current: StackState, _ ids: inout IDMap, liveSlots: UInt64 = .max,
                              exactScalars: Bool = false) -> Bool {
        // Slots below the old state's depth were never touched on its path: nothing to compare.
        let used = min(StackState.slotCount, (old.depth + 7) / 8)
        for s in 0..<used where liveSlots & (1 << UInt64(s)) != 0 {
            if old.slots[s].kinds == 0 && old.slots[s].spilled == nil { continue }
            let a = old.slots[s], b = current.slots[s]
            if let spilled = a.spilled {
                if let other = b.spilled {
                    if !registerIncludes(spilled, other, &ids, exactScalars: exactScalars) { return false }
                    continue
                }
                // A spilled scalar that is unknown is as general as misc bytes.
                guard spilled.type == .scalar else { return false }
            }
            for byte in 0..<8 {
                let k = a.kind(byte), c = b.kind(byte)
                switch k {
                case .invalid: continue
                case .misc: if c == .invalid { return false }
                case .zero: if c != .zero && !(c == .spill && b.spilled?.bounds.constantValue == 0) { return false }
                case .spill:
                    if a.spilled?.type == .scalar, a.spilled?.bounds == .unknown, c != .invalid { continue }
                    if c != .spill { return false }
                }
            }
        }
        return true
    }
}

extension ScalarBounds {
    /// `range_within` + `tnum_in`: every value `other` allows, this allows too.
    func includes(_ other: ScalarBounds) -> Bool {
        umin <= other.umin && other.umax <= umax && smin <= other.smin && other.smax <= smax
            && u32min <= other.u32min && other.u32max <= u32max && s32min <= other.s32min && other.s32max <= s32max
            && tnum.contains(other.tnum)
    }
}
