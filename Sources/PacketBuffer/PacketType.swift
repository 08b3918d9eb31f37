/// Who a packet is for: `skb->pkt_type`, the `PACKET_*` values of include/uapi/linux/if_packet.h.
///
/// The kernel keeps 3 bits, so every value 0…7 has a case. Programs read it as
/// `__sk_buff.pkt_type`; `bpf_skb_change_type` only moves between `host`…`otherHost`.
public enum PacketType: UInt8, Sendable, CaseIterable {
    /// `PACKET_HOST`: addressed to this host.
    case host = 0
    /// `PACKET_BROADCAST`: link-layer broadcast.
    case broadcast = 1
    /// `PACKET_MULTICAST`: link-layer multicast.
    case multicast = 2
    /// `PACKET_OTHERHOST`: addressed to another host (seen in promiscuous mode, or test runs).
    case otherHost = 3
    /// `PACKET_OUTGOING`: sent by this host (looped back to a packet socket).
    case outgoing = 4
    /// `PACKET_LOOPBACK`: multicast looped back.
    case loopback = 5
    /// `PACKET_USER`: to user space (never seen by tc).
    case user = 6
    /// `PACKET_KERNEL`: to kernel space (never seen by tc).
    case kernel = 7
}
