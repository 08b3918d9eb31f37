public import PacketBuffer

/// Where the datapath's packets go when their way ends: the replay's output files, a live
/// device. Called during ``Datapath/receive(_:on:)``; the buffer is the datapath's and is reused
/// afterwards, so a sink copies what it keeps.
public protocol PacketSink: AnyObject {
    /// A packet leaves through `device`: `data` is at the link header when the device has one,
    /// else at the network header.
    func transmit(_ skb: SkBuff, device: Int)
    /// A packet reached local socket `socket` (nil: the host stack itself); `data` is at the
    /// network header.
    func deliver(_ skb: SkBuff, socket: Int?)
    /// A packet was dropped; `data` is at the link header when `atLinkHeader`, else at the
    /// network header.
    func drop(_ skb: SkBuff, reason: DropReason, hook: HookPoint?, atLinkHeader: Bool)
}

/// A sink that keeps nothing (statistics only).
public final class DiscardingSink: PacketSink {
    public init() {}
    public func transmit(_ skb: SkBuff, device: Int) {}
    public func deliver(_ skb: SkBuff, socket: Int?) {}
    public func drop(_ skb: SkBuff, reason: DropReason, hook: HookPoint?, atLinkHeader: Bool) {}
}
