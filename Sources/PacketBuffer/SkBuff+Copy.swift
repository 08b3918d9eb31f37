// Bytes in from outside (a received frame) and whole-buffer copies (clone_redirect). A buffer is
// never shared, so the kernel's `skb_clone()` (new sk_buff, shared data) has no counterpart:
// every clone here is an `skb_copy()`.

extension SkBuff {
    /// Appends `bytes` at the tail and returns true, or returns false changing nothing when they
    /// do not fit the tailroom. Mirrors `skb_put_data()` (checked: the length comes from input).
    public func putData(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let destination = tryPut(bytes.count) else { return false }
        if let base = bytes.baseAddress { destination.copyMemory(from: base, byteCount: bytes.count) }
        return true
    }

    /// Replaces the packet with `bytes`: ``reset(headroom:)``, then ``putData(_:)``. False, leaving
    /// the buffer reset and empty, if they do not fit. The receive path: `netdev_alloc_skb()`,
    /// `skb_reserve()`, `skb_put_data()`.
    @discardableResult
    public func load(_ bytes: UnsafeRawBufferPointer, headroom: Int) -> Bool {
        reset(headroom: headroom)
        return putData(bytes)
    }

    /// Whether ``copy(into:)`` fits in a buffer of `capacity` bytes: it needs this buffer's span
    /// from `head` to `tail` (headroom and packet; not the tailroom).
    @inlinable public func copyFits(capacity: Int) -> Bool { capacity >= metadata.pointee.tailOffset }

    /// Makes `other` a deep copy of this buffer: the bytes from `head` to `tail`, the same
    /// headroom, header offsets and every metadata field, control block included; `other` keeps
    /// its own allocation and capacity. Mirrors `skb_copy()` (`skb_copy_header()`).
    /// False, changing nothing, when `other` is smaller than this buffer's head-to-tail span
    /// (``copyFits(capacity:)``). Copying a buffer into itself changes nothing.
    /// - Complexity: O(headroom + length); allocates nothing.
    @discardableResult
    public func copy(into other: SkBuff) -> Bool {
        guard other !== self else { return true }
        guard copyFits(capacity: other.capacity) else { return false }
        let otherHead = other.metadata.pointee.head
        let otherCapacity = other.metadata.pointee.capacity
        other.metadata.pointee = metadata.pointee
        other.metadata.pointee.head = otherHead
        other.metadata.pointee.capacity = otherCapacity
        otherHead.copyMemory(from: head, byteCount: metadata.pointee.tailOffset)
        return true
    }
}
