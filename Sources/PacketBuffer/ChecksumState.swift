/// How far the packet's checksum has been verified or computed: `skb->ip_summed`, the
/// `CHECKSUM_*` values of include/linux/skbuff.h.
public enum ChecksumState: UInt8, Sendable, CaseIterable {
    /// `CHECKSUM_NONE`: nothing known; software must verify (rx) or compute (tx).
    case none = 0
    /// `CHECKSUM_UNNECESSARY`: the device verified it.
    case unnecessary = 1
    /// `CHECKSUM_COMPLETE`: `csum` holds the ones'-complement sum of the packet from `data`.
    case complete = 2
    /// `CHECKSUM_PARTIAL`: to be finished from `csum_start`, result stored at `csum_offset`.
    case partial = 3
}
