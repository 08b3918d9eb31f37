/// A route: packets to `prefix` leave through `device` (`ip route add PREFIX dev DEVICE table T`).
public struct RouteConfiguration: Sendable, Hashable {
    public var prefix: IPPrefix
    /// Name of the output device.
    public var device: String
    /// Routing table id; ``RouteTable/mainTable`` (254) unless a rule selects another.
    public var table: UInt32
    /// Next hop, for the record (the datapath has no neighbour resolution).
    public var gateway: IPAddress?

    public init(prefix: IPPrefix, device: String, table: UInt32 = RouteTable.mainTable, gateway: IPAddress? = nil) {
        self.prefix = prefix
        self.device = device
        self.table = table
        self.gateway = gateway
    }
}

/// A policy-routing rule: packets whose mark matches look up `table` first
/// (`ip rule add fwmark M/MASK lookup T priority P`).
public struct RuleConfiguration: Sendable, Hashable {
    public var mark: UInt32
    public var mask: UInt32
    public var table: UInt32
    /// Lower runs first, as in `ip rule`.
    public var priority: Int

    public init(mark: UInt32, mask: UInt32 = 0xffff_ffff, table: UInt32, priority: Int = 1000) {
        self.mark = mark
        self.mask = mask
        self.table = table
        self.priority = priority
    }
}
