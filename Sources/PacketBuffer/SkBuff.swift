// One packet in one contiguous buffer, as the kernel keeps a linear `struct sk_buff`:
//
//                 headroom               length (linear data)             tailroom
//           |<--------------->|<---------------------------------->|<--------------->|
//           +--------+--------+-----------+-----------+------------+-----------------+
//           |        |  meta  |  mac hdr  |  net hdr  |  payload   |                 |
//           +--------+--------+-----------+-----------+------------+-----------------+
//           ^ head   ^ data_meta = data - metaLength               ^ tail            ^ end
//                             ^ data                                 (data_end)
//
//   reserve(n)  empty buffer only: data = tail = head + n          (skb_reserve)
//   push(n)     data -= n: prepend a header, n <= headroom          (skb_push; past it: skb_under_panic)
//   pull(n)     data += n: strip a header, nil if n > length        (skb_pull)
//   put(n)      tail += n: append, n <= tailroom                    (skb_put; past it: skb_over_panic)
//   trim(to:)   tail = data + len when shorter                      (skb_trim)
//   expandHead  new, larger allocation; offsets from head shift      (pskb_expand_head)
//
// Invariant: head <= data <= tail <= end, i.e. 0 <= dataOffset <= tailOffset <= capacity.
// Positions are offsets from `head`, as in the kernel with NET_SKBUFF_DATA_USES_OFFSET, so the
// header offsets (mac/network/transport, csum_start) survive push/pull untouched and move by the
// same amount as everything else in expandHead.
//
// Why a final class over a raw allocation with the metadata behind its own pointer:
// - the bytes never move while a program runs: the interpreter hands `data`, `data_end` and
//   `data_meta` to the program as raw pointers; only expandHead moves them, and the helpers that
//   call it are exactly those after which the verifier forgets packet pointers;
// - the buffer is reused across packets (SkBuffPool), so allocation happens once per buffer;
// - context accesses (`skb->mark`…) are a load through `metadata`, no retain/release, no
//   exclusivity check (a stored class property pays both).

/// A socket buffer: packet bytes with headroom and tailroom, header offsets and the metadata the
/// datapath and BPF programs read and write. Mirrors `struct sk_buff` (include/linux/skbuff.h)
/// for a linear skb (no page fragments: `skb->len == skb_headlen(skb)`).
///
/// Invariant: `head <= data <= tail <= end`. Raw pointers into the buffer (`data`, `tail`,
/// ``bytes``…) stay valid until ``expandHead(by:extraTailroom:)`` (or an `ensure…room` that
/// grows) or deinit; nothing else moves the bytes.
///
/// Not thread-safe: a buffer belongs to one worker at a time (see ``SkBuffPool``).
public final class SkBuff {
    /// Value of a header offset that was never set (the kernel's `(typeof(skb->mac_header))~0U`).
    public static let unsetOffset = ~0

    /// The metadata, at a stable address for the life of the buffer (see ``SkBuffMetadata``).
    public let metadata: UnsafeMutablePointer<SkBuffMetadata>

    /// The pool that owns this buffer (nil for a free-standing one) and whether it is on that
    /// pool's free list: guards against releasing a buffer twice or into the wrong pool.
    var owningPool: ObjectIdentifier?
    var isInPool = false

    /// An empty buffer of `capacity` bytes, zeroed, with `headroom` reserved at the front.
    /// Mirrors `alloc_skb()` + `skb_reserve()`.
    /// - Precondition: `0 <= headroom <= capacity`.
    public init(capacity: Int, headroom: Int = 0) {
        precondition(capacity >= 0 && headroom >= 0 && headroom <= capacity, "headroom must fit the capacity")
        // 64-byte alignment: the first packet byte after a cache-line multiple of headroom starts
        // a cache line, and 8-byte program loads of aligned fields are aligned in memory too.
        let head = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 64)
        head.initializeMemory(as: UInt8.self, repeating: 0, count: max(capacity, 1))
        metadata = .allocate(capacity: 1)
        metadata.initialize(to: SkBuffMetadata(head: head, capacity: capacity))
        reserve(headroom: headroom)
    }

    deinit {
        metadata.pointee.head.deallocate()
        metadata.deinitialize(count: 1)
        metadata.deallocate()
    }

    // MARK: Geometry

    /// Start of the buffer (`skb->head`).
    @inlinable public var head: UnsafeMutableRawPointer { metadata.pointee.head }
    /// Start of the packet (`skb->data`).
    @inlinable public var data: UnsafeMutableRawPointer { metadata.pointee.head + metadata.pointee.dataOffset }
    /// One past the packet's last byte (`skb_tail_pointer`; a program's `data_end`).
    @inlinable public var tail: UnsafeMutableRawPointer { metadata.pointee.head + metadata.pointee.tailOffset }
    /// One past the buffer's last byte (`skb_end_pointer`).
    @inlinable public var end: UnsafeMutableRawPointer { metadata.pointee.head + metadata.pointee.capacity }
    /// Start of the metadata in front of the packet (a program's `data_meta`): `data - metaLength`.
    @inlinable public var dataMeta: UnsafeMutableRawPointer { data - Int(metadata.pointee.metaLength) }
    /// Bytes from `head` to `end` (`skb_end_offset`).
    @inlinable public var capacity: Int { metadata.pointee.capacity }
    /// Packet bytes from `data` to `tail` (`skb->len`; everything is linear, so also `skb_headlen`).
    @inlinable public var length: Int { metadata.pointee.tailOffset - metadata.pointee.dataOffset }
    /// Free bytes in front of `data` (`skb_headroom`).
    @inlinable public var headroom: Int { metadata.pointee.dataOffset }
    /// Free bytes after `tail` (`skb_tailroom`).
    @inlinable public var tailroom: Int { metadata.pointee.capacity - metadata.pointee.tailOffset }
    /// The packet bytes, valid until the next geometry change.
    @inlinable public var bytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: data, count: length)
    }

    // MARK: Growing and shrinking in place (net/core/skbuff.c, include/linux/skbuff.h)

    /// Reserves `n` bytes of headroom in an empty buffer. Mirrors `skb_reserve()`.
    /// - Precondition: the buffer is empty and `0 <= n <= tailroom`.
    public func reserve(headroom n: Int) {
        precondition(length == 0, "reserve(headroom:) needs an empty buffer")
        precondition(n >= 0 && n <= tailroom, "reserve(headroom: \(n)) past the end of the buffer")
        metadata.pointee.dataOffset += n
        metadata.pointee.tailOffset += n
    }

    /// Prepends `n` bytes and returns the new `data`. Mirrors `skb_push()`.
    /// - Precondition: `0 <= n <= headroom` (the kernel panics: `skb_under_panic`). Code whose `n`
    ///   comes from input uses ``tryPush(_:)``, or ``ensureHeadroom(_:)`` first.
    @inlinable @discardableResult
    public func push(_ n: Int) -> UnsafeMutableRawPointer {
        guard let p = tryPush(n) else { Self.underPanic(n, headroom: headroom) }
        return p
    }

    /// ``push(_:)`` that returns nil, changing nothing, when `n` is negative or past the headroom.
    ///
    /// If the metadata in front of `data` (``metaLength``) would then reach past `head`, it is
    /// dropped (`skb_metadata_clear()`): `data_meta` must never point outside the buffer.
    @inlinable
    public func tryPush(_ n: Int) -> UnsafeMutableRawPointer? {
        let m = metadata
        guard n >= 0, n <= m.pointee.dataOffset else { return nil }
        m.pointee.dataOffset -= n
        if Int(m.pointee.metaLength) > m.pointee.dataOffset { m.pointee.metaLength = 0 }
        return data
    }

    /// Removes `n` bytes from the front and returns the new `data`, or nil (changing nothing)
    /// when `n` is negative or the packet is shorter. Mirrors `skb_pull()`, which returns NULL.
    @inlinable @discardableResult
    public func pull(_ n: Int) -> UnsafeMutableRawPointer? {
        guard n >= 0, n <= length else { return nil }
        metadata.pointee.dataOffset += n
        return data
    }

    /// Appends `n` bytes and returns a pointer to them (the old `tail`). Mirrors `skb_put()`;
    /// like it, the new bytes keep whatever the buffer held there.
    /// - Precondition: `0 <= n <= tailroom` (`skb_over_panic`). Input-driven code uses ``tryPut(_:)``.
    @inlinable @discardableResult
    public func put(_ n: Int) -> UnsafeMutableRawPointer {
        guard let p = tryPut(n) else { Self.overPanic(n, tailroom: tailroom) }
        return p
    }

    /// ``put(_:)`` that returns nil, changing nothing, when `n` is negative or past the tailroom.
    @inlinable
    public func tryPut(_ n: Int) -> UnsafeMutableRawPointer? {
        guard n >= 0, n <= tailroom else { return nil }
        let old = tail
        metadata.pointee.tailOffset += n
        return old
    }

    /// Cuts the packet to its first `newLength` bytes; a no-op unless it is longer. Mirrors `skb_trim()`.
    @inlinable
    public func trim(to newLength: Int) {
        guard newLength >= 0, newLength < length else { return }
        metadata.pointee.tailOffset = metadata.pointee.dataOffset + newLength
    }

    // Out of line: the trapping paths stay out of the inlined callers.
    @usableFromInline @inline(never)
    static func underPanic(_ n: Int, headroom: Int) -> Never {
        preconditionFailure("skb_under_panic: push(\(n)) with \(headroom) bytes of headroom")
    }

    @usableFromInline @inline(never)
    static func overPanic(_ n: Int, tailroom: Int) -> Never {
        preconditionFailure("skb_over_panic: put(\(n)) with \(tailroom) bytes of tailroom")
    }

    // MARK: Reallocation

    /// Moves the buffer to a new allocation `nhead` bytes longer in front and `ntail` bytes
    /// longer at the back. Bytes head…tail, `data`/`tail`, the header offsets (outer and inner)
    /// and, for a PARTIAL checksum, `csum_start` all keep their place relative to the packet
    /// (`skb_headers_offset_update`); the new room and the old tailroom read as zero.
    /// Mirrors `pskb_expand_head(skb, nhead, ntail)` of Linux 6.18, including its
    /// `skb_metadata_clear()`: ``metaLength`` becomes 0 (newer kernels keep the metadata).
    ///
    /// Every raw pointer into the old buffer (a running program's `data`, `data_end`…) dangles
    /// afterwards: the helpers that may call this are the ones after which the verifier makes a
    /// program reload its packet pointers.
    /// - Precondition: `nhead >= 0`, `ntail >= 0`.
    /// - Complexity: O(capacity); allocates.
    public func expandHead(by nhead: Int, extraTailroom ntail: Int = 0) {
        precondition(nhead >= 0 && ntail >= 0, "expandHead(by: \(nhead), extraTailroom: \(ntail)): negative size")
        guard nhead > 0 || ntail > 0 else { return }
        let m = metadata
        let oldHead = m.pointee.head
        let oldTail = m.pointee.tailOffset
        let newCapacity = m.pointee.capacity + nhead + ntail
        let newHead = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 64)
        newHead.initializeMemory(as: UInt8.self, repeating: 0, count: nhead)
        (newHead + nhead).copyMemory(from: oldHead, byteCount: oldTail)
        (newHead + nhead + oldTail).initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity - nhead - oldTail)
        oldHead.deallocate()
        m.pointee.head = newHead
        m.pointee.capacity = newCapacity
        m.pointee.dataOffset += nhead
        m.pointee.tailOffset += nhead
        // skb_headers_offset_update(skb, nhead)
        if m.pointee.macHeaderOffset != Self.unsetOffset { m.pointee.macHeaderOffset += nhead }
        if m.pointee.networkHeaderOffset != Self.unsetOffset { m.pointee.networkHeaderOffset += nhead }
        if m.pointee.transportHeaderOffset != Self.unsetOffset { m.pointee.transportHeaderOffset += nhead }
        if m.pointee.innerMacHeaderOffset != Self.unsetOffset { m.pointee.innerMacHeaderOffset += nhead }
        if m.pointee.innerNetworkHeaderOffset != Self.unsetOffset { m.pointee.innerNetworkHeaderOffset += nhead }
        if m.pointee.innerTransportHeaderOffset != Self.unsetOffset { m.pointee.innerTransportHeaderOffset += nhead }
        if m.pointee.checksumState == ChecksumState.partial.rawValue {
            // u16 arithmetic, as the kernel's csum_start.
            m.pointee.checksumStart &+= UInt16(truncatingIfNeeded: nhead)
        }
        m.pointee.metaLength = 0
        #if SKBPF_INTERNAL_CHECKS
            checkInvariants()
        #endif
    }

    /// Reallocates, if needed, so that there are at least `headroom` bytes in front of `data` and
    /// `tailroom` after `tail`; see ``expandHead(by:extraTailroom:)`` for what moves.
    public func expandHead(headroom wantedHead: Int, tailroom wantedTail: Int) {
        expandHead(by: max(0, wantedHead - headroom), extraTailroom: max(0, wantedTail - tailroom))
    }

    /// Makes sure there are `n` bytes of headroom, reallocating if needed (`skb_cow_head`).
    /// True if it already had them (raw pointers still valid), false if it reallocated.
    @discardableResult
    public func ensureHeadroom(_ n: Int) -> Bool {
        if headroom >= n { return true }
        expandHead(by: n - headroom)
        return false
    }

    /// Makes sure there are `n` bytes of tailroom, reallocating if needed.
    /// True if it already had them (raw pointers still valid), false if it reallocated.
    @discardableResult
    public func ensureTailroom(_ n: Int) -> Bool {
        if tailroom >= n { return true }
        expandHead(by: 0, extraTailroom: n - tailroom)
        return false
    }

    // MARK: Reuse

    /// Empties the buffer for reuse: no bytes, `headroom` reserved (at most the capacity), every
    /// field cleared as `alloc_skb()` leaves it. The allocation and its capacity are kept; the old
    /// bytes are not cleared. - Complexity: O(1).
    public func reset(headroom: Int) {
        let m = metadata
        let keptHead = m.pointee.head
        let keptCapacity = m.pointee.capacity
        m.pointee = SkBuffMetadata(head: keptHead, capacity: keptCapacity)
        reserve(headroom: min(max(headroom, 0), keptCapacity))
        #if SKBPF_INTERNAL_CHECKS
            checkInvariants()
        #endif
    }

    /// Checks `head <= data <= tail <= end` and that the metadata in front of `data` lies in the
    /// buffer; traps if broken. (Header offsets are free, as in the kernel.) For tests
    /// and `-D SKBPF_INTERNAL_CHECKS` builds.
    public func checkInvariants() {
        let m = metadata.pointee
        precondition(
            0 <= m.dataOffset && m.dataOffset <= m.tailOffset && m.tailOffset <= m.capacity,
            "head <= data <= tail <= end broken: data \(m.dataOffset) tail \(m.tailOffset) end \(m.capacity)")
        precondition(Int(m.metaLength) <= m.dataOffset, "metadata runs past head")
    }
}
