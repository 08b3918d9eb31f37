// The 48-byte control block, `skb->cb`. Each layer overlays its own struct on it; while tc
// programs run, the qdisc layer's `struct qdisc_skb_cb` (include/net/sch_generic.h) is there,
// and BPF wraps it as `struct bpf_skb_data_end` (include/linux/filter.h):
//
//    0        4        6        8                                   28    32          40          48
//    +--------+--------+--------+-----------------------------------+-----+-----------+-----------+
//    |pkt_len |slave_  |tc_     |  data[20]: __sk_buff.cb[0..4]     | pad | data_meta | data_end  |
//    |(wire)  |dev_qmap|classid |  cb[0] cb[1] cb[2] cb[3] cb[4]    |     | (pointer) | (pointer) |
//    +--------+--------+--------+-----------------------------------+-----+-----------+-----------+
//
// `data_meta`/`data_end` are what `bpf_compute_data_pointers()` stores before a run; the
// interpreter derives them from the geometry (``SkBuff/dataMeta``, ``SkBuff/tail``) instead, so
// those bytes are not maintained here.

extension SkBuff {
    /// Byte offsets inside the 48-byte control block (`struct qdisc_skb_cb`).
    public enum ControlBlockLayout {
        /// `unsigned int pkt_len`: length on the wire (`__sk_buff.wire_len`).
        public static let wireLength = 0
        /// `u16 tc_classid` (`__sk_buff.tc_classid`).
        public static let tcClassID = 6
        /// `unsigned char data[QDISC_CB_PRIV_LEN]`: the program's `__sk_buff.cb[0..4]`.
        public static let programData = 8
        /// `QDISC_CB_PRIV_LEN`: 5 words of 4 bytes.
        public static let programDataByteCount = 20
        /// Words in the program's `cb[]`.
        public static let programWordCount = 5
        /// `sizeof(skb->cb)`.
        public static let byteCount = 48
    }

    /// The control block's 48 bytes (stable while the buffer lives; 8-byte aligned).
    @inlinable public var controlBlock: UnsafeMutableRawPointer {
        // The offset is a compile-time constant; the force unwrap never fails for a stored property.
        UnsafeMutableRawPointer(metadata) + MemoryLayout<SkBuffMetadata>.offset(of: \SkBuffMetadata.controlBlock)!
    }

    /// The 20 bytes a program sees as `__sk_buff.cb[0..4]` (`qdisc_skb_cb(skb)->data`), for the
    /// interpreter's context loads and stores (4-byte aligned; 8-byte at `cb[0]` and `cb[2]`).
    @inlinable public var programControlBlock: UnsafeMutableRawPointer {
        controlBlock + ControlBlockLayout.programData
    }

    /// `qdisc_skb_cb(skb)->pkt_len`: the length on the wire (`__sk_buff.wire_len`).
    @inlinable public var wireLength: UInt32 {
        get { controlBlock.loadUnaligned(fromByteOffset: ControlBlockLayout.wireLength, as: UInt32.self) }
        set { controlBlock.storeBytes(of: newValue, toByteOffset: ControlBlockLayout.wireLength, as: UInt32.self) }
    }

    /// `qdisc_skb_cb(skb)->tc_classid`: a u16 (`__sk_buff.tc_classid`; a program's 32-bit write
    /// is truncated to it).
    @inlinable public var tcClassID: UInt16 {
        get { controlBlock.loadUnaligned(fromByteOffset: ControlBlockLayout.tcClassID, as: UInt16.self) }
        set { controlBlock.storeBytes(of: newValue, toByteOffset: ControlBlockLayout.tcClassID, as: UInt16.self) }
    }

    /// Word `index` (0…4) of the program's `__sk_buff.cb[]`, host order.
    /// - Precondition: `0 <= index < 5`.
    @inlinable public func programControlBlockWord(_ index: Int) -> UInt32 {
        precondition(index >= 0 && index < ControlBlockLayout.programWordCount, "cb[] has 5 words")
        return programControlBlock.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
    }

    /// Sets word `index` (0…4) of the program's `__sk_buff.cb[]`.
    /// - Precondition: `0 <= index < 5`.
    @inlinable public func setProgramControlBlockWord(_ index: Int, _ value: UInt32) {
        precondition(index >= 0 && index < ControlBlockLayout.programWordCount, "cb[] has 5 words")
        programControlBlock.storeBytes(of: value, toByteOffset: 4 * index, as: UInt32.self)
    }

    /// Zeroes the whole control block, as the qdisc layer's `qdisc_skb_cb` users start from.
    public func clearControlBlock() {
        metadata.pointee.controlBlock = (0, 0, 0, 0, 0, 0)
    }
}
