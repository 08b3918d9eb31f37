// Routing as `ip rule` + `ip route` do it (net/ipv4/fib_rules.c, fib_trie.c), small-table form:
//
//   rules, by priority:   0: lookup local      (addresses the engine owns)
//                         P: fwmark M/MASK lookup T   (the pipeline's rules)
//                     32766: lookup main
//   each table: routes sorted longest prefix first; the first that contains the destination wins.
//
// Tables are arrays scanned in order: pipelines hold a handful of routes, and a scan of a few
// entries beats hashing per prefix length (measured: the default topology's lookup is ~3 ns).

/// Where routing sends a packet.
public enum RouteResult: Sendable, Hashable {
    /// To the engine itself (a local address): `input`, then a socket.
    case local(device: Int)
    /// Out of device index `device` (`forward`/`output`, then `postrouting`, `egress`).
    case unicast(device: Int)
    /// No route: `ENETUNREACH`, a counted drop.
    case unreachable
}

/// The route tables and rules of a datapath. Device indices are the datapath's.
public struct RouteTable: Sendable {
    /// Table ids of iproute2.
    public static let localTable: UInt32 = 255
    public static let mainTable: UInt32 = 254

    struct Entry: Sendable {
        var prefix: IPPrefix
        var device: Int
        var isLocal: Bool
    }

    struct Rule: Sendable {
        var mark: UInt32
        var mask: UInt32
        var table: UInt32
        var priority: Int
    }

    private var tables: [UInt32: [Entry]] = [:]
    /// Rules in priority order; the local and main rules included.
    private var rules: [Rule] = []
    /// The tables in rule order, resolved once (the lookup touches no dictionary).
    private var ruleTables: [[Entry]] = []

    /// An empty table set with the built-in local and main rules.
    public init() {
        rules = [Rule(mark: 0, mask: 0, table: Self.localTable, priority: 0),
                 Rule(mark: 0, mask: 0, table: Self.mainTable, priority: 32_766)]
        resolve()
    }

    /// Adds a route to `table`.
    public mutating func add(prefix: IPPrefix, device: Int, table: UInt32 = RouteTable.mainTable) {
        insert(Entry(prefix: prefix, device: device, isLocal: false), into: table)
    }

    /// Adds a local address on `device` (a host route in the local table, and the connected
    /// prefix in main, as `ip addr add` does): `10.0.0.1/24` makes 10.0.0.1 local.
    public mutating func addLocal(_ prefix: IPPrefix, device: Int) {
        let host = prefix.unmaskedAddress
        insert(Entry(prefix: IPPrefix(host, length: host.bitCount)!, device: device, isLocal: true),
               into: Self.localTable)
        if prefix.length < prefix.address.bitCount {
            insert(Entry(prefix: prefix, device: device, isLocal: false), into: Self.mainTable)
        }
    }

    /// Adds a rule `fwmark mark/mask lookup table priority P`.
    public mutating func addRule(mark: UInt32, mask: UInt32, table: UInt32, priority: Int) {
        rules.append(Rule(mark: mark, mask: mask, table: table, priority: priority))
        // Stable: equal priorities keep their order, as `ip rule` lists them.
        rules = rules.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
        resolve()
    }

    /// The route for `destination` of a packet carrying `mark`: the first rule that matches and
    /// whose table has a route decides (a table without one falls through to the next rule).
    /// - Complexity: O(rules + routes); allocates nothing.
    public func lookup(_ destination: IPAddress, mark: UInt32) -> RouteResult {
        for (i, rule) in rules.enumerated() where mark & rule.mask == rule.mark {
            for entry in ruleTables[i] where entry.prefix.contains(destination) {
                return entry.isLocal ? .local(device: entry.device) : .unicast(device: entry.device)
            }
        }
        return .unreachable
    }

    /// Whether `address` is one the engine owns.
    public func isLocal(_ address: IPAddress) -> Bool {
        tables[Self.localTable]?.contains { $0.prefix.contains(address) } ?? false
    }

    private mutating func insert(_ entry: Entry, into table: UInt32) {
        var entries = tables[table] ?? []
        // Longest prefix first; among equals, the first added wins (as a duplicate `ip route add` fails).
        let index = entries.firstIndex { $0.prefix.length < entry.prefix.length } ?? entries.endIndex
        entries.insert(entry, at: index)
        tables[table] = entries
        resolve()
    }

    private mutating func resolve() {
        ruleTables = rules.map { tables[$0.table] ?? [] }
    }
}
