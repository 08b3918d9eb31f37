/// The regions a run may access, checked before every load, store and atomic in checked mode.
///
/// The first data region (the input memory, later the packet) is held inline and tested first:
/// it is where packet programs read. Then the active stack (the frames of the calls in progress,
/// one range whose lower bound moves with the call depth), then the other regions.
struct MemoryChecker {
    var isChecked: Bool
    /// The lowest address of the deepest active frame, and one past the top of frame 0.
    var stackLow: UInt64
    var stackTop: UInt64
    var firstStart: UInt64 = 0
    var firstByteCount: UInt64 = 0
    var firstIsWritable = false
    var regions: UnsafeMutablePointer<MemoryRegion>
    var regionCount: Int

    init(isChecked: Bool, stackLow: UInt64, stackTop: UInt64, regions: UnsafeMutablePointer<MemoryRegion>, regionCount: Int) {
        self.isChecked = isChecked
        self.stackLow = stackLow
        self.stackTop = stackTop
        self.regions = regions
        self.regionCount = regionCount
        if regionCount > 0 {
            firstStart = UInt64(UInt(bitPattern: regions[0].start))
            firstByteCount = UInt64(regions[0].byteCount)
            firstIsWritable = regions[0].isWritable
        }
    }

    /// Prepares for a run on frame 0 and the first `regionCount` entries of `regions`.
    mutating func begin(regionCount: Int) {
        stackLow = stackTop &- UInt64(Interpreter.stackFrameSize)
        self.regionCount = regionCount
        if regionCount > 0 {
            firstStart = UInt64(UInt(bitPattern: regions[0].start))
            firstByteCount = UInt64(regions[0].byteCount)
            firstIsWritable = regions[0].isWritable
        } else {
            firstStart = 0
            firstByteCount = 0
            firstIsWritable = false
        }
    }

    /// Reads region 0 again: a helper moved or resized the packet.
    mutating func reloadFirstRegion() {
        firstStart = UInt64(UInt(bitPattern: regions[0].start))
        firstByteCount = UInt64(regions[0].byteCount)
        firstIsWritable = regions[0].isWritable
    }

    /// True if the run may access `[address, address + size)` (for writing when `write`).
    /// The interpreter's checked loop calls it; helpers call ``permits(_:_:write:)``.
    @inline(__always)
    func allows(_ address: UInt64, _ size: Int, write: Bool) -> Bool {
        let firstOffset = address &- firstStart
        if firstOffset < firstByteCount && firstByteCount &- firstOffset >= UInt64(size) { return firstIsWritable || !write }
        let stackOffset = address &- stackLow
        if stackOffset < stackTop &- stackLow && (stackTop &- stackLow) &- stackOffset >= UInt64(size) { return true }
        var i = 1
        while i < regionCount {
            if regions[i].contains(address, size) { return regions[i].isWritable || !write }
            i += 1
        }
        return false
    }

    /// ``allows(_:_:write:)`` unless the run is unchecked (then everything is permitted).
    func permits(_ address: UInt64, _ size: Int, write: Bool) -> Bool {
        !isChecked || allows(address, size, write: write)
    }
}
