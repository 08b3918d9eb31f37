/// The regions a run may access, checked before every load, store and atomic in checked mode.
///
/// The active stack (the frames of the calls in progress) is one region whose lower bound
/// moves with the call depth; the others (input memory, later context and packet) are a
/// small fixed table. Unchecked mode (for verified programs) allows everything.
struct MemoryChecker {
    var isChecked: Bool
    /// The lowest address of the deepest active frame, and one past the top of frame 0.
    var stackLow: UInt64
    var stackTop: UInt64
    var regions: UnsafeMutablePointer<MemoryRegion>
    var regionCount: Int

    @inline(__always)
    func allows(_ address: UInt64, _ size: Int, write: Bool) -> Bool {
        if !isChecked { return true }
        let stackOffset = address &- stackLow
        if stackOffset < stackTop &- stackLow && (stackTop &- stackLow) &- stackOffset >= UInt64(size) { return true }
        for i in 0..<regionCount {
            let region = regions[i]
            if region.contains(address, size) { return region.isWritable || !write }
        }
        return false
    }
}
