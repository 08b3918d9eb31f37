// One packet in one contiguous buffer, as the kernel's `struct sk_buff` keeps a linear skb:
//
//        headroom            length (linear data)           tailroom
//   |<---------------->|<---------------------------->|<------------------>|
//   +------------------+------------------------------+--------------------+
//   |                  | mac hdr | net hdr | payload  |                    |
//   +------------------+------------------------------+--------------------+
//   ^ head             ^ data                         ^ tail               ^ end
//
//   reserve(n): empty buffer, data = tail = head + n     push(n): data -= n (prepend a header)
//   pull(n):    data += n (strip a header)               put(n):  tail += n (append)
//   trim(to:):  tail = data + len                        expandHead: reallocate, more room
//
// Invariant: head <= data <= tail <= end. Header offsets are kept from `head`, so they survive
// push/pull and reallocation, as in the kernel.

/// A socket buffer: packet bytes with headroom and tailroom, header offsets and the metadata the
/// datapath and BPF programs read and write. Mirrors `struct sk_buff` (include/linux/skbuff.h).
///
/// Not thread-safe: a buffer belongs to one worker at a time (see ``SkBuffPool``).
public final class SkBuff {
    /// Value of a header offset that was never set (the kernel's `(typeof(skb->mac_header))~0U`).
    public static let unsetOffset = -1

    /// The metadata, at a stable address for the life of the buffer (see ``SkBuffMetadata``).
    public let metadata: UnsafeMutablePointer<SkBuffMetadata>

    /// An empty buffer of `capacity` bytes with `headroom` reserved at the front.
    public init(capacity: Int, headroom: Int = 0) {
        precondition(capacity >= 0 && headroom >= 0 && headroom <= capacity, "headroom must fit the capacity")
        let head = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 64)
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
    /// One past the packet's last byte (`skb->tail`; `data_end` for programs).
    @inlinable public var tail: UnsafeMutableRawPointer { metadata.pointee.head + metadata.pointee.tailOffset }
    /// Bytes from `head` to `end`.
    @inlinable public var capacity: Int { metadata.pointee.capacity }
    /// Packet bytes (`skb->len`; everything is linear here, so also `skb_headlen`).
    @inlinable public var length: Int { metadata.pointee.tailOffset - metadata.pointee.dataOffset }
    /// Free bytes in front of `data` (`skb_headroom`).
    @inlinable public var headroom: Int { metadata.pointee.dataOffset }
    /// Free bytes after `tail` (`skb_tailroom`).
    @inlinable public var tailroom: Int { metadata.pointee.capacity - metadata.pointee.tailOffset }
    /// The packet bytes, valid until the next geometry change.
    @inlinable public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: data, count: length) }

    // MARK: Operations (net/core/skbuff.c)

    /// Reserves headroom in an empty buffer. Mirrors `skb_reserve()`.
    /// - Precondition: the buffer is empty and `n` fits its tailroom.
    public func reserve(headroom n: Int) {
        precondition(length == 0, "reserve(headroom:) needs an empty buffer")
        precondition(n >= 0 && n <= tailroom, "reserve past the end of the buffer")
        metadata.pointee.dataOffset += n
        metadata.pointee.tailOffset += n
    }

    /// Prepends `n` bytes and returns the new `data`. Mirrors `skb_push()`.
    /// - Precondition: `n <= headroom` (the kernel panics: `skb_under_panic`). Input-driven code uses ``tryPush(_:)``.
    @discardableResult
    public func push(_ n: Int) -> UnsafeMutableRawPointer {
        guard let p = tryPush(n) else { preconditionFailure("push(\(n)) past the headroom of \(headroom) bytes") }
        return p
    }

    /// ``push(_:)`` that returns nil instead of trapping when the headroom is too small.
    public func tryPush(_ n: Int) -> UnsafeMutableRawPointer? {
        guard n >= 0, n <= headroom else { return nil }
        metadata.pointee.dataOffset -= n
        return data
    }

    /// Removes `n` bytes from the front and returns the new `data`, or nil (and changes nothing)
    /// when the packet is shorter. Mirrors `skb_pull()`.
    @discardableResult
    public func pull(_ n: Int) -> UnsafeMutableRawPointer? {
        guard n >= 0, n <= length else { return nil }
        metadata.pointee.dataOffset += n
        return data
    }

    /// Appends `n` bytes and returns a pointer to them (the old `tail`). Mirrors `skb_put()`.
    /// - Precondition: `n <= tailroom` (`skb_over_panic`). Input-driven code uses ``tryPut(_:)``.
    @discardableResult
    public func put(_ n: Int) -> UnsafeMutableRawPointer {
        guard let p = tryPut(n) else { preconditionFailure("put(\(n)) past the tailroom of \(tailroom) bytes") }
        return p
    }

    /// ``put(_:)`` that returns nil instead of trapping when the tailroom is too small.
    public func tryPut(_ n: Int) -> UnsafeMutableRawPointer? {
        guard n >= 0, n <= tailroom else { return nil }
        let old = tail
        metadata.pointee.tailOffset += n
        return old
    }

    /// Cuts the packet to `newLength` bytes; a no-op if it is not longer. Mirrors `skb_trim()`.
    public func trim(to newLength: Int) {
        guard newLength >= 0, newLength < length else { return }
        metadata.pointee.tailOffset = metadata.pointee.dataOffset + newLength
    }

    /// Moves the buffer to a larger allocation with at least `headroom` bytes in front of `data`
    /// and `tailroom` after `tail`, keeping bytes and header offsets relative to `data`.
    /// Mirrors `pskb_expand_head()`. Pointers into the old buffer become invalid.
    public func expandHead(headroom wantedHead: Int, tailroom wantedTail: Int) {
        let addHead = max(0, wantedHead - headroom)
        let addTail = max(0, wantedTail - tailroom)
        guard addHead > 0 || addTail > 0 else { return }
        let newCapacity = capacity + addHead + addTail
        let newHead = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 64)
        newHead.initializeMemory(as: UInt8.self, repeating: 0, count: addHead)
        (newHead + addHead).copyMemory(from: head, byteCount: capacity)
        (newHead + addHead + capacity).initializeMemory(as: UInt8.self, repeating: 0, count: addTail)
        head.deallocate()
        let m = metadata
        m.pointee.head = newHead
        m.pointee.capacity = newCapacity
        m.pointee.dataOffset += addHead
        m.pointee.tailOffset += addHead
        for keyPath in [\SkBuffMetadata.macHeaderOffset, \.networkHeaderOffset, \.transportHeaderOffset]
        where m.pointee[keyPath: keyPath] != Self.unsetOffset {
            m.pointee[keyPath: keyPath] += addHead
        }
    }

    /// Makes sure there are `n` bytes of headroom, reallocating if needed. True if it already had them.
    @discardableResult
    public func ensureHeadroom(_ n: Int) -> Bool {
        if headroom >= n { return true }
        expandHead(headroom: n, tailroom: 0)
        return false
    }

    /// Makes sure there are `n` bytes of tailroom, reallocating if needed. True if it already had them.
    @discardableResult
    public func ensureTailroom(_ n: Int) -> Bool {
        if tailroom >= n { return true }
        expandHead(headroom: 0, tailroom: n)
        return false
    }

    /// Empties the buffer for reuse: no bytes, `headroom` reserved, every field cleared.
    /// The allocation (and its capacity) is kept.
    public func reset(headroom: Int) {
        let m = metadata
        let keptHead = m.pointee.head, keptCapacity = m.pointee.capacity
        m.pointee = SkBuffMetadata(head: keptHead, capacity: keptCapacity)
        reserve(headroom: min(headroom, keptCapacity))
    }

    /// Replaces the packet with `bytes` (after resetting, with `headroom` in front);
    /// false, leaving the buffer empty, if they do not fit.
    @discardableResult
    public func load(_ bytes: UnsafeRawBufferPointer, headroom: Int) -> Bool {
        reset(headroom: headroom)
        guard let p = tryPut(bytes.count) else { return false }
        if let base = bytes.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) }
        return true
    }

    /// A deep copy into `other`: bytes, geometry relative to data, and every field. Mirrors
    /// `skb_copy()`. False when `other` is too small for this buffer's head-to-tail span.
    @discardableResult
    public func copy(into other: SkBuff) -> Bool {
        guard other.capacity >= metadata.pointee.tailOffset else { return false }
        let otherHead = other.metadata.pointee.head, otherCapacity = other.metadata.pointee.capacity
        other.metadata.pointee = metadata.pointee
        other.metadata.pointee.head = otherHead
        other.metadata.pointee.capacity = otherCapacity
        otherHead.copyMemory(from: head, byteCount: metadata.pointee.tailOffset)
        return true
    }
}
