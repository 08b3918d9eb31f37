/// A fixed set of buffers, handed out and taken back through a free list: a buffer is made the
/// first time the free list is empty (up to ``bufferCount``), and from then on ``allocate()`` and
/// ``release(_:)`` allocate nothing (the kernel's per-CPU skb caches play this part for
/// `napi_alloc_skb`). Making them at first need rather than up front keeps a datapath that never
/// clones from zeroing megabytes at start (a short replay's start-up time).
///
/// Single-threaded by design: one pool per worker, used only from that worker's thread; there
/// are no locks, and the type is not `Sendable`.
///
/// Invariant: every buffer the pool made is either on the free list (reset, ``headroom``
/// reserved) or handed out, and at most ``bufferCount`` are made;
/// `availableCount + inUseCount == bufferCount`.
public final class SkBuffPool {
    /// Bytes per buffer (`head` to `end`) when made. A buffer that grew through
    /// ``SkBuff/expandHead(by:extraTailroom:)`` keeps its larger allocation when it comes back.
    public let bufferCapacity: Int
    /// Headroom reserved in every buffer ``allocate()`` returns.
    public let headroom: Int
    /// How many buffers the pool owns.
    public let bufferCount: Int
    /// Allocations refused because every buffer was in use.
    public private(set) var exhaustedCount = 0

    private var free: [SkBuff]
    /// Buffers made so far (at most ``bufferCount``).
    private var madeCount = 0

    /// A pool of up to `bufferCount` buffers of `bufferCapacity` bytes each (by default room for
    /// a 2048-byte frame behind 128 bytes of headroom). - Complexity: O(1); the free list's room
    /// is reserved here, the buffers are made at first need.
    /// - Precondition: `bufferCount >= 0`, `0 <= headroom <= bufferCapacity`.
    public init(bufferCount: Int, bufferCapacity: Int = 2048 + 128, headroom: Int = 128) {
        precondition(bufferCount >= 0 && headroom >= 0 && headroom <= bufferCapacity, "pool geometry")
        self.bufferCapacity = bufferCapacity
        self.headroom = headroom
        self.bufferCount = bufferCount
        free = []
        free.reserveCapacity(bufferCount)
    }

    /// Buffers that ``allocate()`` can hand out now (on the free list or not made yet).
    public var availableCount: Int { free.count + bufferCount - madeCount }
    /// Buffers handed out and not yet released.
    public var inUseCount: Int { madeCount - free.count }

    /// A buffer with no bytes, ``headroom`` reserved and every field zero, or nil (counted in
    /// ``exhaustedCount``) when all are in use. - Complexity: O(1); allocates only to make one of
    /// the pool's buffers the first time it is needed.
    public func allocate() -> SkBuff? {
        if let buffer = free.popLast() {
            buffer.isInPool = false
            return buffer
        }
        guard madeCount < bufferCount else {
            exhaustedCount += 1
            return nil
        }
        madeCount += 1
        let buffer = SkBuff(capacity: bufferCapacity, headroom: headroom)
        buffer.owningPool = ObjectIdentifier(self)
        return buffer
    }

    /// Takes a buffer back, resetting it (``SkBuff/reset(headroom:)``). Raw pointers into it must
    /// not be used afterwards. - Complexity: O(1); allocates nothing.
    /// - Precondition: `buffer` came from this pool's ``allocate()`` and was not released since.
    public func release(_ buffer: SkBuff) {
        precondition(buffer.owningPool == ObjectIdentifier(self), "released a buffer this pool did not allocate")
        precondition(!buffer.isInPool, "released a buffer twice")
        buffer.reset(headroom: headroom)
        buffer.isInPool = true
        free.append(buffer)
    }

    /// A deep copy of `source` in a buffer from this pool, or nil (counted) when the pool is
    /// exhausted. Mirrors `skb_copy()`; serves `skb_clone()` callers (clone_redirect) as well,
    /// since buffers are never shared. If `source` grew past this pool's buffers, the copy's
    /// buffer grows too (the one case that allocates).
    public func copy(of source: SkBuff) -> SkBuff? {
        guard let clone = allocate() else { return nil }
        let span = source.headroom + source.length
        if !source.copyFits(capacity: clone.capacity) { clone.expandHead(by: 0, extraTailroom: span - clone.capacity) }
        let copied = source.copy(into: clone)
        assert(copied, "a grown clone holds the source's span")
        return clone
    }
}
