/// The clock `skb->tstamp` is in: `skb->tstamp_type`, `SKB_CLOCK_*` (include/linux/skbuff.h);
/// programs see it as `__sk_buff.tstamp_type`, `BPF_SKB_CLOCK_*` (formerly `BPF_SKB_TSTAMP_*`).
public enum TimestampType: UInt8, Sendable, CaseIterable {
    /// `SKB_CLOCK_REALTIME` (`BPF_SKB_TSTAMP_UNSPEC`): a receive timestamp, or none.
    case realtime = 0
    /// `SKB_CLOCK_MONOTONIC` (`BPF_SKB_TSTAMP_DELIVERY_MONO`): an earliest-delivery time.
    case monotonic = 1
    /// `SKB_CLOCK_TAI`: an earliest-delivery time in TAI.
    case tai = 2
}
