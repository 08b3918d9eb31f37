public import BPFABI
public import PacketBuffer

/// The `__sk_buff` fields a test run takes in and gives back, as the kernel's
/// `BPF_PROG_TEST_RUN` does (net/bpf/test_run.c `convert___skb_to_skb` / `convert_skb_to___skb`).
///
/// In: only `mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size,
/// hwtstamp` may be set; any other non-zero field is refused (the kernel answers EINVAL).
/// Out: every field, read from the buffer after the run.
public struct TestRunContext: Sendable, Equatable {
    public var mark: UInt32 = 0
    public var priority: UInt32 = 0
    public var ingressIfindex: UInt32 = 0
    /// The device the packet is on; 0 means the kernel's default, the loopback device (1).
    public var ifindex: UInt32 = 0
    public var cb: [UInt32] = [0, 0, 0, 0, 0]
    public var tstamp: UInt64 = 0
    /// 0 means "the packet's length".
    public var wireLength: UInt32 = 0
    public var gsoSegments: UInt32 = 0
    public var gsoSize: UInt32 = 0
    public var hardwareTimestamp: UInt64 = 0

    public init() {}

    /// The fields the kernel lets a caller set, by their `__sk_buff` names.
    public static let settableFields: Set<String> = [
        "mark", "priority", "ingress_ifindex", "ifindex", "cb", "tstamp", "wire_len", "gso_segs", "gso_size", "hwtstamp",
    ]
}

/// Why a test run's input is refused before anything runs.
public struct TestRunInputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds the socket buffer a test run gives a program, and reads back what it did — the
/// user-space counterpart of `bpf_prog_test_run_skb`.
public enum TestRunFrame {
    /// Headroom the kernel reserves in front of a test packet (`NET_SKB_PAD + NET_IP_ALIGN` on x86-64).
    public static let headroom = 64
    public static let ethernetHeaderLength = 14
    /// ifindex of the loopback device, where the kernel's test runs happen.
    public static let loopbackIfindex: UInt32 = 1

    /// Loads `frame` (starting at the Ethernet header) into `skb` as the kernel prepares it for a
    /// program of `type`: protocol and pkt_type from the Ethernet header (`eth_type_trans` on
    /// loopback, whose address is all zeros), network header after it; tc programs see `data`
    /// at the Ethernet header, socket filters at the network header. With `socket`, the packet
    /// belongs to it as the kernel's test packets belong to their dummy socket (`skb->sk`).
    public static func prepare(_ skb: SkBuff, frame: [UInt8], type: ProgramType, context: TestRunContext,
                               socket: TestRunSocket? = nil) throws(TestRunInputError) {
        guard frame.count >= ethernetHeaderLength else {
            throw TestRunInputError("packet of \(frame.count) bytes is shorter than an Ethernet header (14)")
        }
        let loaded = frame.withUnsafeBytes { skb.load($0, headroom: headroom) }
        guard loaded else { throw TestRunInputError("packet of \(frame.count) bytes does not fit a \(skb.capacity)-byte buffer") }
        guard context.wireLength == 0 || context.wireLength >= UInt32(frame.count) else {
            throw TestRunInputError("wire_len \(context.wireLength) is shorter than the packet (\(frame.count) bytes)")
        }
        skb.resetMacHeader()
        skb.packetType = packetType(destination: Array(frame[0..<6]))
        let etherType = UInt16(frame[12]) << 8 | UInt16(frame[13])
        // eth_type_trans: values below 0x600 are 802.3 lengths.
        skb.etherType = etherType >= 0x600 ? etherType : (frame.count > 15 && frame[14] == 0xff && frame[15] == 0xff ? 0x0001 : 0x0004)
        skb.pull(ethernetHeaderLength)
        skb.resetNetworkHeader()
        socket?.attach(to: skb)
        if type.isTrafficControl { skb.push(ethernetHeaderLength) }
        skb.ifindex = context.ifindex > 1 ? context.ifindex : loopbackIfindex
        skb.mark = context.mark
        skb.priority = context.priority
        skb.ingressIfindex = context.ingressIfindex
        for (i, word) in context.cb.prefix(5).enumerated() { skb.setProgramControlBlockWord(i, word) }
        skb.metadata.pointee.timestamp = context.tstamp
        skb.wireLength = context.wireLength != 0 ? context.wireLength : UInt32(skb.length)
        skb.metadata.pointee.gsoSegments = UInt16(truncatingIfNeeded: context.gsoSegments)
        skb.metadata.pointee.gsoSize = UInt16(truncatingIfNeeded: context.gsoSize)
        skb.metadata.pointee.hardwareTimestamp = context.hardwareTimestamp
    }

    /// The bytes a test run returns: from `data` to `tail`; for socket filters with the MAC header
    /// put back as 14 zero bytes, as the kernel does.
    public static func dataOut(_ skb: SkBuff, type: ProgramType) -> [UInt8] {
        if type.isTrafficControl { return skb.byteArray }
        return [UInt8](repeating: 0, count: ethernetHeaderLength) + skb.byteArray
    }

    /// `eth_type_trans`'s pkt_type on loopback, whose address *and broadcast address* are
    /// 00:00:00:00:00:00: a group address is never lo's broadcast, so ff:ff:ff:ff:ff:ff is
    /// PACKET_MULTICAST too (measured with kernel_oracle.py).
    static func packetType(destination: [UInt8]) -> PacketBuffer.PacketType {
        if destination[0] & 1 == 1 { return .multicast }
        return destination.allSatisfy { $0 == 0 } ? .host : .otherHost
    }
}
