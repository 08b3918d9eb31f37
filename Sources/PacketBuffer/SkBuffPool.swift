/// A fixed set of preallocated buffers handed out and taken back: the per-packet path allocates
/// nothing. Single-threaded: one pool per worker, no locks.
public final class SkBuffPool {
    /// Bytes per buffer and the headroom each gets on `allocate()`.
    public let bufferCapacity: Int
    public let headroom: Int
    /// How many buffers the pool owns.
    public let bufferCount: Int
    /// Allocations refused because every buffer was in use.
    public private(set) var exhaustedCount = 0

    private var free: [SkBuff]

    public init(bufferCount: Int, bufferCapacity: Int = 2048 + 128, headroom: Int = 128) {
        precondition(bufferCount >= 0 && headroom <= bufferCapacity)
        self.bufferCapacity = bufferCapacity
        self.headroom = headroom
        self.bufferCount = bufferCount
        free = []
        free.reserveCapacity(bufferCount)
        for _ in 0..<bufferCount { free.append(SkBuff(capacity: bufferCapacity, headroom: headroom)) }
    }

    /// Buffers available now.
    public var availableCount: Int { free.count }

    /// A reset buffer with the pool's headroom, or nil (counted) when all are in use.
    public func allocate() -> SkBuff? {
        guard let buffer = free.popLast() else {
            exhaustedCount += 1
            return nil
        }
        return buffer
    }

    /// Returns a buffer to the pool, reset. A buffer that grew (expandHead) keeps its larger allocation.
    public func release(_ buffer: SkBuff) {
        precondition(free.count < bufferCount, "released more buffers than the pool owns")
        buffer.reset(headroom: headroom)
        free.append(buffer)
    }
}
