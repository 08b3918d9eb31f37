import BPFABI
import BPFISA

// Arithmetic: `check_alu_op` and `adjust_reg_min_max_vals` / `adjust_ptr_min_max_vals`.
// Scalars go through the ScalarBounds domain; pointers may only move by adding or subtracting a
// scalar (64-bit), and two pointers of one kind may be subtracted (a scalar results).

extension Exploration {
    func stepALU(_ insn: Instruction, _ op: ALUOperation, is64: Bool, source: OperandSource, signed: Bool) throws(VerificationError) {
        let d = Int(insn.dst), s = Int(insn.src)
        if op == .end { return }  // byte swaps arrive as .byteSwap
        if op != .mov { _ = try read(d) }
        try checkWritable(d)
        let operand: RegisterState
        if source == .register {
            operand = try read(s)
        } else {
            operand = .constant(is64 ? UInt64(bitPattern: insn.imm) : UInt64(UInt32(bitPattern: insn.imm32)))
        }
        if source == .immediate {
            switch op {
            case .lsh, .rsh, .arsh:
                if insn.imm32 < 0 || insn.imm32 >= (is64 ? 64 : 32) { throw error("invalid shift \(insn.imm32)") }
            case .div, .mod:
                if insn.imm32 == 0 { throw error("div by zero") }
            default: break
            }
        }
        if op == .mov {
            try move(into: d, from: s, operand, source: source, is64: is64)
            return
        }
        if op == .neg {
            let value = register(d)
            guard value.isScalar else {
                if options.strict { throw error("R\(d) pointer arithmetic prohibited") }
                setRegister(d, .unknownScalar)
                return
            }
            setRegister(d, .scalar(ScalarBounds.apply(.neg, value.bounds, .constant(0), is64: is64)))
            return
        }
        let destination = register(d)
        if destination.isScalar && operand.isScalar {
            var result = ScalarBounds.apply(Self.scalarOperation(op, signed: signed), destination.bounds, operand.bounds, is64: is64)
            result.sync()
            var value = RegisterState.scalar(result)
            // A linked scalar plus or minus a constant stays linked, the constant remembered (one
            // only, within s32); any other operation breaks the link.
            // A 32-bit one only from a value that fits 32 bits (else the sum loses its upper half).
            if op == .add || op == .sub, destination.id != 0, destination.id & RegisterState.addConstFlags == 0,
               is64 || destination.bounds.umax <= UInt64(UInt32.max), let constant = operand.bounds.constantValue {
                let wide = Int64(bitPattern: constant)
                var delta: Int64? = is64 ? (Int64(Int32.min)...Int64(Int32.max) ~= wide ? wide : nil)
                                         : Int64(Int32(truncatingIfNeeded: constant))
                if op == .sub, let d = delta { delta = d == Int64(Int32.min) ? nil : -d }
                if let delta {
                    value.id = destination.id | (is64 ? RegisterState.addConstFlag : RegisterState.addConst32Flag)
                    value.offset = Int32(delta)
                }
            }
            setRegister(d, value)
            return
        }
        try pointerArithmetic(d, s, destination, operand, op, is64: is64, sourceIsRegister: source == .register)
    }

    private func move(into d: Int, from s: Int, _ operand: RegisterState, source: OperandSource, is64: Bool) throws(VerificationError) {
        if is64 {
            var copy = operand
            if source == .register, copy.isScalar {
                // Link the two registers: a bound later found for one holds for the other.
                copy = linkedForCopy(copy)
                setRegister(s, copy)
            }
            setRegister(d, copy)
            return
        }
        if operand.isPointer {
            if options.strict { throw error("R\(s) partial copy of pointer") }
            setRegister(d, .scalar(.unsignedRange(0, UInt64(UInt32.max))))
            return
        }
        // A 32-bit copy of a value that fits 32 bits is the value itself, and stays linked.
        if source == .register, Self.fits(operand.bounds, bytes: 4) {
            let copy = linkedForCopy(operand)
            setRegister(s, copy)
            setRegister(d, copy)
            return
        }
        setRegister(d, .scalar(operand.bounds.zeroExtendedFrom32()))
    }

    /// `assign_scalar_id_before_mov`: the scalar a copy (a move, a spill) will share. A register
    /// already ahead of its link by a constant starts a link of its own (links do not chain); an
    /// unlinked unknown one gets an id, so a bound later found for either copy holds for both.
    func linkedForCopy(_ value: RegisterState) -> RegisterState {
        guard value.isScalar else { return value }
        var linked = value
        if linked.id & RegisterState.addConstFlags != 0 {
            linked.id = 0
            linked.offset = 0
        }
        if linked.id == 0 && linked.bounds.constantValue == nil { linked.id = newID() }
        return linked
    }

    func stepMoveSignExtend(_ insn: Instruction, fromBits: Int, is64: Bool) throws(VerificationError) {
        let d = Int(insn.dst), s = Int(insn.src)
        let operand = try read(s)
        try checkWritable(d)
        guard operand.isScalar else {
            if options.strict { throw error("R\(s) sign-extension part of pointer") }
            setRegister(d, .unknownScalar)
            return
        }
        var value = operand.bounds.signExtended(fromBytes: fromBits / 8)
        if !is64 { value = value.zeroExtendedFrom32() }
        setRegister(d, .scalar(value))
    }

    func stepByteSwap(_ insn: Instruction, conversion: ByteOrderConversion, bits: Int) throws(VerificationError) {
        let d = Int(insn.dst)
        let value = try read(d)
        try checkWritable(d)
        guard value.isScalar else {
            if options.strict { throw error("R\(d) pointer arithmetic prohibited") }
            setRegister(d, .unknownScalar)
            return
        }
        if let constant = value.bounds.constantValue {
            let swapped: UInt64 = switch (conversion, bits) {
            case (.toLittleEndian, 16): constant & 0xffff
            case (.toLittleEndian, 32): constant & 0xffff_ffff
            case (.toLittleEndian, _): constant
            case (_, 16): UInt64(UInt16(truncatingIfNeeded: constant).byteSwapped)
            case (_, 32): UInt64(UInt32(truncatingIfNeeded: constant).byteSwapped)
            default: constant.byteSwapped
            }
            setRegister(d, .constant(swapped))
        } else if conversion == .toLittleEndian {
            setRegister(d, .scalar(value.bounds.truncated(toBytes: bits / 8)))
        } else {
            setRegister(d, .scalar(bits == 64 ? .unknown : .unsignedRange(0, (1 << UInt64(bits)) - 1)))
        }
    }

    static func scalarOperation(_ op: ALUOperation, signed: Bool) -> ScalarOperation {
        switch op {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: signed ? .sdiv : .div
        case .mod: signed ? .smod : .mod
        case .or: .or
        case .and: .and
        case .xor: .xor
        case .lsh: .lsh
        case .rsh: .rsh
        case .arsh: .arsh
        case .neg: .neg
        case .mov, .end: .mov
        }
    }

    private static func operatorText(_ op: ALUOperation) -> String {
        switch op {
        case .add: "+="
        case .sub: "-="
        case .mul: "*="
        case .div: "/="
        case .mod: "%="
        case .or: "|="
        case .and: "&="
        case .xor: "^="
        case .lsh: "<<="
        case .rsh: ">>="
        case .arsh: "s>>="
        case .neg: "neg"
        case .mov: "="
        case .end: "end"
        }
    }

    /// `adjust_ptr_min_max_vals` and the pointer cases of `adjust_reg_min_max_vals`.
    private func pointerArithmetic(_ d: Int, _ s: Int, _ destination: RegisterState, _ operand: RegisterState,
                                   _ op: ALUOperation, is64: Bool, sourceIsRegister: Bool) throws(VerificationError) {
        let text = Self.operatorText(op)
        if destination.isPointer && operand.isPointer {
            guard op == .sub else { throw error("R\(d) pointer \(text) pointer prohibited") }
            if options.strict { throw error("R\(d) pointer -= pointer prohibited") }
            setRegister(d, .unknownScalar)
            return
        }
        // Exactly one is a pointer; scalar += pointer works like pointer += scalar.
        var pointer = destination, scalar = operand
        if destination.isScalar {
            guard op == .add else {
                if op == .sub { throw error("R\(d) tried to subtract pointer from scalar") }
                if options.strict { throw error("R\(d) pointer arithmetic with \(text) operator prohibited") }
                setRegister(d, .unknownScalar)
                return
            }
            pointer = operand
            scalar = destination
        }
        guard is64 else {
            throw error("R\(d) 32-bit pointer arithmetic prohibited")
        }
        guard op == .add || op == .sub else {
            if [.and, .or, .xor].contains(op) { throw error("R\(d) bitwise operator \(text) on pointer prohibited") }
            throw error("R\(d) pointer arithmetic with \(text) operator prohibited")
        }
        if op == .sub, case .stack = pointer.type {
            // JITs may not cope with it (the kernel's "invalid fp arithmetic"): add a negative instead.
            throw error("R\(d) subtraction from stack pointer prohibited", hint: "write r += -N instead of r -= N")
        }
        if pointer.maybeNull {
            throw error("R\(d) pointer arithmetic on \(pointer.typeName) prohibited, null-check it first",
                        hint: "compare the pointer with NULL (if (!p) ...) before moving it")
        }
        switch pointer.type {
        case .mapPointer where op == .add && scalar.bounds.constantValue == 0:
            break  // the kernel lets `map += 0` through
        case .packetEnd, .mapPointer, .socket:
            throw error("R\(d) pointer arithmetic on \(pointer.typeName) prohibited")
        default: break
        }
        // An unprivileged loader masks every pointer move by a register against Spectre v1
        // (`sanitize_ptr_alu`); what it cannot mask is refused.
        var mask: PointerMask?
        if options.strict && sourceIsRegister {
            mask = try checkMaskable(pointer, by: scalar, op, pointerRegister: destination.isPointer ? d : s,
                                     scalarRegister: destination.isPointer ? s : d, destination: d,
                                     pointerIsDestination: destination.isPointer)
        }
        let s64 = scalar.bounds
        if let constant = s64.constantValue {
            let value = Int64(bitPattern: constant)
            if value >= Self.maxVariableOffset || value <= -Self.maxVariableOffset {
                throw error("math between \(pointer.typeName) pointer and \(value) is not allowed")
            }
            let newOffset = Int64(pointer.offset) + (op == .add ? value : -value)
            if newOffset >= Self.maxVariableOffset || newOffset <= -Self.maxVariableOffset {
                throw error("\(pointer.typeName) pointer offset \(newOffset) is not allowed")
            }
            pointer.offset = Int32(newOffset)
            if options.strict { try checkInBoundsAfterArithmetic(pointer, d) }
            if let mask { try commitMask(mask, result: pointer, d, op) }
            setRegister(d, pointer)
            return
        }
        if s64.smin == Int64.min {
            throw error("math between \(pointer.typeName) pointer and register with unbounded min value is not allowed",
                        hint: "bound the value first (e.g. mask it, or check it against a limit) before adding it to the pointer")
        }
        if s64.smin >= Self.maxVariableOffset || s64.smin <= -Self.maxVariableOffset {
            throw error("value \(s64.smin) makes \(pointer.typeName) pointer be out of bounds")
        }

        var variable = ScalarBounds.apply(op == .add ? .add : .sub, pointer.bounds, s64, is64: true)
        variable.sync()
        pointer.bounds = variable
        if pointer.type.isPacketData {
            // Something was added: the proof about the old pointer no longer applies to this one.
            pointer.id = newID()
            pointer.range = 0
        }
        if options.strict { try checkInBoundsAfterArithmetic(pointer, d) }
        if let mask { try commitMask(mask, result: pointer, d, op) }
        setRegister(d, pointer)
    }
}
