/// A network device of the datapath: where packets arrive (a capture, later a TUN) and leave.
public struct DeviceConfiguration: Sendable, Hashable {
    /// Unique name (`in`, `out`, `tunA`): also the output file's base name.
    public var name: String
    /// Whether frames on this device carry an Ethernet header (`dev->header_ops`): tc programs
    /// then see it, and the neighbour layer writes one on output. False for L3 devices (TUN,
    /// raw-IP and cooked captures), whose packets start at the network header.
    public var hasLinkHeader: Bool
    /// Largest network-layer packet the device sends (`dev->mtu`).
    public var mtu: Int
    /// Addresses the engine owns on this device: packets to them are delivered locally, and the
    /// prefix becomes a connected route (as `ip addr add 10.0.0.1/24 dev X` does).
    public var addresses: [IPPrefix]
    /// Source address of Ethernet headers the datapath writes; nil keeps the received frame's
    /// addresses (a replay shows the packet as it came, not a made-up neighbour).
    public var macAddress: UInt64?
    /// Destination address of Ethernet headers the datapath writes; nil as for ``macAddress``.
    public var neighbourMACAddress: UInt64?

    /// MTU of replay devices: large enough for what captures hold (loopback captures carry
    /// 64 KiB packets), so that a replay drops nothing for size unless a pipeline says so.
    public static let defaultMTU = 65_535

    public init(name: String, hasLinkHeader: Bool, mtu: Int = DeviceConfiguration.defaultMTU,
                addresses: [IPPrefix] = [], macAddress: UInt64? = nil, neighbourMACAddress: UInt64? = nil) {
        self.name = name
        self.hasLinkHeader = hasLinkHeader
        self.mtu = mtu
        self.addresses = addresses
        self.macAddress = macAddress
        self.neighbourMACAddress = neighbourMACAddress
    }
}
