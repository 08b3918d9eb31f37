/// One function's registers and stack (`struct bpf_func_state`).
struct FrameState: Hashable, Sendable {
    var registers: RegisterFile
    var stack = StackState()
    /// Instruction index of the call that entered this frame (-1 for the main program).
    var callSite: Int
    /// The function's first instruction.
    var functionStart: Int

    init(callSite: Int, functionStart: Int) {
        registers = RegisterFile(repeating: .notInitialized)
        self.callSite = callSite
        self.functionStart = functionStart
    }
}

/// The whole abstract machine on one path (`struct bpf_verifier_state`).
struct VerifierState: Hashable, Sendable {
    var frames: [FrameState]
    /// Ring buffer records reserved and not yet submitted or discarded: reference id -> the
    /// instruction that reserved it.
    var references: [UInt32: Int] = [:]
    /// The last helper call on this path that changed the packet, and which of the innermost
    /// frame's registers it turned from packet pointers into unknowns and nothing has written
    /// since: only for the hint when one of them is used as a pointer. Not compared by pruning.
    var packetChange: PacketChange?
    /// A path only speculative execution takes (`speculative`): an unprivileged loader walks the
    /// way a branch cannot go, as the CPU may, with the compared registers unknown. Errors on it
    /// end the path instead of refusing the program; it never prunes a real path.
    var isSpeculative = false

    struct PacketChange: Hashable, Sendable {
        var instructionIndex: Int
        var helper: Int32
        var registers: UInt16
    }

    var current: FrameState {
        get { frames[frames.count - 1] }
        _modify { yield &frames[frames.count - 1] }
    }

    var depth: Int { frames.count - 1 }
}
