/// A packet's capture time: seconds and nanoseconds since the Unix epoch (UTC), as libpcap
/// reports them when a file is opened with nanosecond precision (microsecond files are scaled).
///
/// Invariant: `nanoseconds < 1_000_000_000` for timestamps this module makes.
public struct PcapTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01 00:00:00 UTC (`ts.tv_sec`).
    public var seconds: Int64
    /// Nanoseconds within the second (`ts.tv_usec` of a nanosecond-precision handle).
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The same instant as nanoseconds since the epoch, for `skb->tstamp`; clamped to 0 before
    /// 1970 and to `UInt64.max` past the year 2554 (the kernel's `ktime_t` cannot hold either).
    public var nanosecondsSinceEpoch: UInt64 {
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, carry) = whole.addingReportingOverflow(UInt64(nanoseconds))
        return carry ? .max : sum
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// `seconds.nanoseconds` with nine digits, as `tcpdump --nano -tt` prints it.
    public var description: String {
        let fraction = String(nanoseconds)
        return "\(seconds).\(String(repeating: "0", count: max(0, 9 - fraction.count)))\(fraction)"
    }
}

/// One packet record's header: when it was captured, how many bytes the file holds, and how long
/// it was on the wire. Mirrors `struct pcap_pkthdr` (pcap/pcap.h), plus the packet's position.
///
/// Invariant: `capturedLength <= originalLength` for files libpcap writes; a damaged file can
/// break it (libpcap delivers such records as they are).
public struct PcapPacketHeader: Hashable, Sendable {
    /// The packet's 0-based position in the file.
    public var index: Int
    /// Capture time (`ts`).
    public var timestamp: PcapTimestamp
    /// Bytes of the packet present in the file (`caplen`).
    public var capturedLength: Int
    /// Length of the packet on the wire (`len`); more than ``capturedLength`` when the capture
    /// was cut by the snapshot length.
    public var originalLength: Int
    /// The record's sub-second field as libpcap gave it, in nanoseconds: ``timestamp``'s
    /// nanoseconds, except in a damaged file whose field says a second or more (which
    /// ``timestamp`` cannot hold and `tcpdump -w` copies as it is).
    public var nanosecondFieldAsRead: Int64

    public init(index: Int, timestamp: PcapTimestamp, capturedLength: Int, originalLength: Int,
                nanosecondFieldAsRead: Int64? = nil) {
        self.index = index
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.nanosecondFieldAsRead = nanosecondFieldAsRead ?? Int64(timestamp.nanoseconds)
    }

    /// Whether the snapshot length cut the packet (`caplen < len`).
    public var isTruncated: Bool { capturedLength < originalLength }
}
