import BPFABI
import BPFISA

// Spectre v1 masking of pointer arithmetic for an unprivileged loader (`sanitize_ptr_alu`,
// `sanitize_check_bounds`). The kernel rewrites `ptr += reg` so that even on a mispredicted
// branch the pointer moves no further than the verifier saw it move: it masks the offset with
// a limit patched into that one instruction. One rewrite serves every path through it, so
// every path must need the same mask (direction, register or immediate, limit), else the
// program is refused ("tried to add from different maps, paths or scalars"): an unprivileged
// loop that indexes with its counter needs a new limit each round.

/// What `sanitize_ptr_alu` records for one instruction (`insn_aux_data.alu_state`, `alu_limit`).
struct PointerMask: Hashable {
    var state: UInt8
    /// How far the pointer may move in the masked direction; before the move while checking,
    /// the distance it moved once committed.
    var limit: UInt32
    /// The mask keeps the pointer from moving below its start (a negative add, a subtraction).
    var towardsStart: Bool

    static let offsetIsSource: UInt8 = 1       // BPF_ALU_SANITIZE_SRC: ptr op= reg
    static let offsetIsDestination: UInt8 = 2  // BPF_ALU_SANITIZE_DST: reg += ptr
    static let negativeOffset: UInt8 = 4       // BPF_ALU_NEG_VALUE
    static let immediateOffset: UInt8 = 8      // BPF_ALU_IMMEDIATE: a known constant in the register
}

extension Exploration {
    /// `sanitize_ptr_alu` before the move, as an unprivileged loader runs it: the scalar's sign
    /// must be known (the mask goes one way), the pointer must be one the kernel can mask (stack,
    /// map value), and it must be inside its object in the masking direction (`retrieve_ptr_limit`).
    /// Nil on a speculative path, which the kernel only simulates (its masks come from real paths).
    func checkMaskable(_ pointer: RegisterState, by scalar: RegisterState, _ op: ALUOperation,
                       pointerRegister: Int, scalarRegister: Int, destination d: Int,
                       pointerIsDestination: Bool) throws(VerificationError) -> PointerMask? {
        guard !state.isSpeculative else { return nil }
        let prohibited = "pointer arithmetic with it prohibited for !root"
        let bounds = scalar.bounds
        if !bounds.isConstant && (bounds.smin < 0) != (bounds.smax < 0) {
            throw error("R\(scalarRegister) has unknown scalar with mixed signed bounds, \(prohibited)",
                        hint: "bound the value to one sign (e.g. mask it, or check it is >= 0) before adding it")
        }
        let isNegative = bounds.smin < 0
        let towardsStart = (op == .add && isNegative) || (op == .sub && !isNegative)
        let limit = try pointerLimit(pointer, towardsStart: towardsStart, pointerRegister: pointerRegister, destination: d, op)
        var state = isNegative ? PointerMask.negativeOffset : 0
        if bounds.isConstant { state |= PointerMask.immediateOffset }
        state |= pointerIsDestination ? PointerMask.offsetIsSource : PointerMask.offsetIsDestination
        // A path with narrower bounds may need another mask: pruning must let it reach here.
        if !bounds.isConstant { exploresALULimits = true }
        return PointerMask(state: state, limit: limit, towardsStart: towardsStart)
    }

    /// `retrieve_ptr_limit`: how far `pointer` may move towards the masked side of its object.
    private func pointerLimit(_ pointer: RegisterState, towardsStart: Bool, pointerRegister: Int, destination d: Int,
                              _ op: ALUOperation) throws(VerificationError) -> UInt32 {
        let prohibited = "pointer arithmetic with it prohibited for !root"
        let limit: Int64, maximum: Int64
        switch pointer.type {
        case .stack:
            maximum = Int64(StackState.byteCount) + (towardsStart ? 1 : 0)
            limit = -(Int64(bitPattern: pointer.bounds.tnum.value) &+ Int64(pointer.offset))
        case .mapValue(let index):
            maximum = Int64(maps[index].valueSize)
            limit = (towardsStart ? pointer.bounds.smin : Int64(bitPattern: pointer.bounds.umax)) &+ Int64(pointer.offset)
        default:
            throw error("R\(pointerRegister) has pointer with unsupported alu operation, \(prohibited)")
        }
        // The kernel keeps the limit in a u32: a negative one is out of range too.
        if UInt32(truncatingIfNeeded: limit) >= UInt32(truncatingIfNeeded: maximum) || limit < Int64(Int32.min) || limit > Int64(UInt32.max) {
            throw error("R\(d) tried to \(op == .add ? "add" : "sub") beyond pointer bounds, \(prohibited)")
        }
        return UInt32(truncatingIfNeeded: limit)
    }

    /// The second half of `sanitize_ptr_alu`, on the moved pointer: the mask narrows to the
    /// distance the pointer moved, and must be the one every earlier path through this
    /// instruction recorded (`update_alu_sanitation_state`).
    func commitMask(_ checked: PointerMask, result: RegisterState, _ d: Int, _ op: ALUOperation) throws(VerificationError) {
        let after = try pointerLimit(result, towardsStart: checked.towardsStart, pointerRegister: d, destination: d, op)
        var mask = checked
        // abs() of the u32 difference read as an int, as the kernel computes it.
        mask.limit = UInt32(Int32(truncatingIfNeeded: checked.limit &- after).magnitude)
        if let earlier = pointerMasks[index], earlier.state != mask.state || earlier.limit != mask.limit {
            throw error("R\(d) tried to \(op == .add ? "add" : "sub") from different maps, paths or scalars, pointer arithmetic with it prohibited for !root",
                        hint: "an unprivileged loader masks this instruction with one limit for every path: give every path (and every loop round) the same offset bounds, or unroll the loop")
        }
        pointerMasks[index] = mask
    }

    /// `sanitize_check_bounds`: for an unprivileged loader a moved stack or map value pointer must
    /// still point inside its object (so later accesses can be masked), and a stack pointer must
    /// stay at a known offset.
    func checkInBoundsAfterArithmetic(_ pointer: RegisterState, _ d: Int) throws(VerificationError) {
        switch pointer.type {
        case .stack:
            let tnum = pointer.bounds.tnum
            let offset = Int64(pointer.offset) &+ Int64(bitPattern: tnum.value)
            guard tnum.isConstant else {
                throw error("R\(d) variable stack access prohibited for !root, var_off=\(tnum) off=\(Int32(truncatingIfNeeded: offset))")
            }
            if offset >= 0 || offset < -Int64(StackState.byteCount) {
                throw error("R\(d) stack pointer arithmetic goes out of range, prohibited for !root; off=\(Int32(truncatingIfNeeded: offset))")
            }
        case .mapValue(let index):
            // The kernel's check_map_access of one byte at the pointer: its message comes first.
            let valueSize = maps[index].valueSize
            do {
                try regionAccess(d, pointer, offset: 0, size: 1, regionSize: valueSize,
                                 describe: { "invalid access to map value, value_size=\(valueSize) off=\($0) size=1" })
            } catch var refusal {
                refusal.message += "\nR\(d) pointer arithmetic of map value goes out of range, prohibited for !root"
                refusal.hint = "an unprivileged loader needs a map value pointer inside the value after every move"
                throw refusal
            }
        default:
            break
        }
    }
}
