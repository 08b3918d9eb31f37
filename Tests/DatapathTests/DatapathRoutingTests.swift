import Datapath
import Testing

// The IP layer's checks and the routing decision: local delivery, forwarding limits (TTL,
// MTU), the receive checks (checksum, version, length), martians, group destinations, non-IP
// frames, link padding, and a protocol change at prerouting that routing must follow.

/// One packet on the local topology and how it must end.
struct RoutingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var frame: [UInt8]
    var fate: PacketFate
    var hooks: [HookPoint]
    var testDescription: String { name }
}

@Suite struct DatapathRoutingTests {
    typealias F = DatapathFixture

    static let local: [HookPoint] = [.ingress, .prerouting, .input, .socket]
    static let routed: [HookPoint] = [.ingress, .prerouting]
    static let forwarded: [HookPoint] = [.ingress, .prerouting, .forward, .postrouting, .egress]

    static func dropped(_ reason: DropReason) -> PacketFate { .dropped(reason, hook: nil) }

    /// IP packet length `length` to the remote prefix behind `out`.
    static func remotePacket(length: Int, dontFragment: Bool = true) -> [UInt8] {
        Packet.udp4(from: F.neighbour, to: F.remote, payload: [UInt8](repeating: 0xab, count: length - 28),
                    dontFragment: dontFragment)
    }

    static let cases: [RoutingCase] = [
        RoutingCase(name: "UDP to a local address reaches its socket",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 53)),
                    fate: .delivered(socket: 0), hooks: local),
        RoutingCase(name: "TCP to a local address reaches its socket",
                    frame: Packet.ethernet(Packet.tcp4(from: F.neighbour, to: F.localAddress, destinationPort: 80)),
                    fate: .delivered(socket: 1), hooks: local),
        RoutingCase(name: "UDP over IPv6 to a local address reaches the wildcard socket",
                    frame: Packet.ethernet(Packet.udp6(from: F.neighbour6, to: F.localAddress6, destinationPort: 53)),
                    fate: .delivered(socket: 0), hooks: local),
        RoutingCase(name: "TTL 1 to a local address is delivered (TTL counts on forwarding only)",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 53,
                                                       ttl: 1)),
                    fate: .delivered(socket: 0), hooks: local),
        RoutingCase(name: "ICMP to a local address is consumed by the host stack",
                    frame: Packet.ethernet(Packet.icmp4(from: F.neighbour, to: F.localAddress)),
                    fate: .delivered(socket: nil), hooks: [.ingress, .prerouting, .input]),
        RoutingCase(name: "UDP to a port without a socket",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 9999)),
                    fate: dropped(.noSocket), hooks: [.ingress, .prerouting, .input]),
        RoutingCase(name: "TCP to a port only UDP is bound to",
                    frame: Packet.ethernet(Packet.tcp4(from: F.neighbour, to: F.localAddress, destinationPort: 53)),
                    fate: dropped(.noSocket), hooks: [.ingress, .prerouting, .input]),
        RoutingCase(name: "UDP to the echo port of another local address",
                    frame: Packet.ethernet(Packet.udp6(from: F.neighbour6, to: F.localAddress6, destinationPort: 7)),
                    fate: dropped(.noSocket), hooks: [.ingress, .prerouting, .input]),
        RoutingCase(name: "forwarded along the route to out",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.remote)),
                    fate: .transmitted(device: 1), hooks: forwarded),
        RoutingCase(name: "another host of the connected prefix is forwarded back out of in",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: "10.0.0.9", destinationPort: 53)),
                    fate: .transmitted(device: 0), hooks: forwarded),
        RoutingCase(name: "IPv4 without a route", frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: "8.8.8.8")),
                    fate: dropped(.noRoute), hooks: routed),
        RoutingCase(name: "IPv6 without a route",
                    frame: Packet.ethernet(Packet.udp6(from: F.neighbour6, to: "2001:db8:3::1")),
                    fate: dropped(.noRoute), hooks: routed),
        RoutingCase(name: "TTL 1 on forwarding",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.remote, ttl: 1)),
                    fate: dropped(.ttlExpired), hooks: routed),
        RoutingCase(name: "hop limit 1 on forwarding",
                    frame: Packet.ethernet(Packet.udp6(from: F.neighbour6, to: "2001:db8:2::9", hopLimit: 1)),
                    fate: dropped(.ttlExpired), hooks: routed),
        RoutingCase(name: "over the out device's MTU with DF",
                    frame: Packet.ethernet(remotePacket(length: F.localOutMTU + 1)),
                    fate: dropped(.packetTooBig), hooks: routed),
        RoutingCase(name: "over the out device's MTU without DF (no fragmentation)",
                    frame: Packet.ethernet(remotePacket(length: F.localOutMTU + 1, dontFragment: false)),
                    fate: dropped(.packetTooBig), hooks: routed),
        RoutingCase(name: "bad IPv4 header checksum",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.localAddress, corruptChecksum: true)),
                    fate: dropped(.badIPChecksum), hooks: [.ingress]),
        RoutingCase(name: "IP version 5 in an IPv4 frame",
                    frame: Packet.ethernet(Packet.ipv4(from: F.neighbour, to: F.remote, protocol: 17,
                                                       transport: [UInt8](repeating: 0, count: 8), version: 5),
                                           etherType: 0x0800),
                    fate: dropped(.badIPHeader), hooks: [.ingress]),
        RoutingCase(name: "IPv4 total length beyond the frame",
                    frame: Packet.ethernet(Array(Packet.udp4(from: F.neighbour, to: F.remote).dropLast(4))),
                    fate: dropped(.badIPHeader), hooks: [.ingress]),
        RoutingCase(name: "IPv4 header cut short", frame: Packet.ethernet(Array(Packet.udp4().prefix(19))),
                    fate: dropped(.badIPHeader), hooks: [.ingress]),
        RoutingCase(name: "loopback source", frame: Packet.ethernet(Packet.udp4(from: "127.0.0.1", to: F.remote)),
                    fate: dropped(.martianAddress), hooks: routed),
        RoutingCase(name: "loopback destination",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: "127.0.0.1")),
                    fate: dropped(.martianAddress), hooks: routed),
        RoutingCase(name: "IPv6 loopback source", frame: Packet.ethernet(Packet.udp6(from: "::1", to: "2001:db8:2::9")),
                    fate: dropped(.martianAddress), hooks: routed),
        RoutingCase(name: "multicast destination",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: "224.0.0.5")),
                    fate: dropped(.notRoutable), hooks: routed),
        RoutingCase(name: "limited broadcast destination",
                    frame: Packet.ethernet(Packet.udp4(from: F.neighbour, to: "255.255.255.255")),
                    fate: dropped(.notRoutable), hooks: routed),
        RoutingCase(name: "IPv6 multicast destination",
                    frame: Packet.ethernet(Packet.udp6(from: F.neighbour6, to: "ff02::1")),
                    fate: dropped(.notRoutable), hooks: routed),
        RoutingCase(name: "ARP is not IP", frame: Packet.arp(), fate: dropped(.notIP), hooks: [.ingress]),
    ]

    @Test(arguments: cases)
    func routing(_ c: RoutingCase) throws {
        let network = try TestNetwork(F.localConfiguration())
        let fate = network.send(c.frame)
        #expect(fate == c.fate)
        #expect(network.trail.fate == c.fate)
        #expect(network.trail.hooks == c.hooks)
        let totals = network.totals
        #expect(totals.received == 1 && totals.addsUp)
        #expect(network.sink.records.count == 1)
        let record = try #require(network.sink.records.first)
        let rxDropped = network.datapath.statistics(ofDevice: 0).rxDropped
        switch c.fate {
        case .dropped(let reason, let hook):
            #expect(record.event == .dropped(reason, hook: hook, atLinkHeader: false))
            #expect(totals.dropped == 1 && totals.dropsByReason[reason.rawValue] == 1)
            #expect(totals.dropsByReason.reduce(0, +) == 1)
            // The receive checks count as the device's receive drops.
            let isReceiveCheck = [.badIPHeader, .badIPChecksum, .notIP].contains(reason)
            #expect(rxDropped == (isReceiveCheck ? 1 : 0))
            if reason == .packetTooBig { #expect(network.datapath.statistics(ofDevice: 1).txDropped == 1) }
        case .delivered(let socket):
            #expect(record.event == .delivered(socket: socket))
            #expect(record.bytes == Array(c.frame[14...]), "delivered from the network header, unchanged")
            #expect(totals.delivered == 1)
            if let socket {
                let statistics = network.datapath.statistics(ofSocket: socket)
                #expect(statistics.received == 1 && statistics.receivedBytes == c.frame.count - 14)
            }
        case .transmitted(let device):
            #expect(record.event == .transmitted(device: device))
            #expect(totals.transmitted == 1)
        case .stolen:
            Issue.record("no case steals")
        }
    }

    /// `10.0.0.1/24` on a device: 10.0.0.1 is local, the rest of 10.0.0.0/24 is on the link.
    @Test func deviceAddressNamesTheHostAndTheConnectedPrefix() throws {
        let prefix = try #require(IPPrefix("10.0.0.1/24"))
        #expect(prefix.address == IPAddress("10.0.0.0") && prefix.unmaskedAddress == IPAddress("10.0.0.1"))
        #expect(prefix == IPPrefix("10.0.0.0/24"), "equal as prefixes")
        #expect(Set([prefix, IPPrefix("10.0.0.77/24")!]).count == 1)
        var table = RouteTable()
        table.addLocal(prefix, device: 3)
        #expect(table.lookup(IPAddress("10.0.0.1")!, mark: 0) == .local(device: 3))
        #expect(table.lookup(IPAddress("10.0.0.0")!, mark: 0) == .unicast(device: 3))
        #expect(table.lookup(IPAddress("10.0.0.2")!, mark: 0) == .unicast(device: 3))
        #expect(table.lookup(IPAddress("10.0.1.1")!, mark: 0) == .unreachable)
        #expect(table.isLocal(IPAddress("10.0.0.1")!) && !table.isLocal(IPAddress("10.0.0.0")!))
    }

    @Test(arguments: [(F.localOutMTU - 1, true), (F.localOutMTU, true), (F.localOutMTU + 1, false)])
    func mtuBoundary(length: Int, fits: Bool) throws {
        let network = try TestNetwork(F.localConfiguration())
        let fate = network.send(Packet.ethernet(Self.remotePacket(length: length)))
        #expect(fate == (fits ? .transmitted(device: 1) : .dropped(.packetTooBig, hook: nil)))
        if fits { #expect(network.sink.transmitted.first?.bytes.count == 14 + length) }
    }

    @Test func trailingEthernetPaddingIsTrimmed() throws {
        let network = try TestNetwork(F.defaultConfiguration())
        let packet = Packet.udp4(payload: [])
        #expect(packet.count == 28)
        let frame = Packet.ethernet(packet) + [UInt8](repeating: 0, count: 18)
        #expect(frame.count == 60)
        #expect(network.send(frame) == .transmitted(device: 1))
        let sent = try #require(network.sink.transmitted.first?.bytes)
        #expect(sent.count == 14 + 28)
        #expect(Array(sent[(14 + 12)...]) == Array(packet[12...]))
        #expect(network.datapath.statistics(ofDevice: 1).txBytes == 42)
        #expect(network.datapath.statistics(ofDevice: 0).rxBytes == 60)
    }

    @Test func paddingIsTrimmedBeforeLocalDelivery() throws {
        let network = try TestNetwork(F.localConfiguration())
        let packet = Packet.udp4(from: F.neighbour, to: F.localAddress, payload: [])
        #expect(network.send(Packet.ethernet(packet) + [UInt8](repeating: 0xee, count: 18)) == .delivered(socket: 0))
        #expect(network.sink.delivered.first?.bytes == packet)
        #expect(network.datapath.statistics(ofSocket: 0).receivedBytes == 28)
    }

    // MARK: A protocol change at prerouting

    /// `in`, `out`, `v4`; default and default6 → out; 198.51.100.0/24 → v4.
    static func nat64Configuration() -> DatapathConfiguration {
        DatapathConfiguration(
            devices: ["in", "out", "v4"].map { DeviceConfiguration(name: $0, hasLinkHeader: true) },
            routes: [RouteConfiguration(prefix: IPPrefix("default6")!, device: "out"),
                     RouteConfiguration(prefix: IPPrefix("default")!, device: "out"),
                     RouteConfiguration(prefix: IPPrefix("198.51.100.0/24")!, device: "v4")])
    }

    /// `bpf_skb_change_proto(skb, htons(ETH_P_IP), 0)`, then `header` written over the first 20
    /// bytes (data and data_end reloaded and checked after the call, as the verifier demands).
    static func sixToFour(header: [UInt8]) -> String {
        let stores = header.enumerated().map { "*(u8 *)(r2 + \($0.offset)) = \($0.element)" }.joined(separator: "\n")
        return """
            r6 = r1
            r2 = 0x8
            r3 = 0
            call \(F.Helper.changeProto)
            if r0 != 0 goto drop
            r2 = *(u32 *)(r6 + \(F.Offset.data))
            r3 = *(u32 *)(r6 + \(F.Offset.dataEnd))
            r4 = r2
            r4 += 20
            if r4 > r3 goto drop
            \(stores)
            r0 = 0
            exit
            drop:
            r0 = 2
            exit
            """
    }

    @Test func protocolChangedAtPreroutingIsRoutedAsIPv4() throws {
        let packet6 = Packet.udp6(from: "2001:db8:1::10", to: "64:ff9b::c633:6407")
        let segment = Array(packet6[40...])
        let packet4 = Packet.ipv4(from: "192.0.2.1", to: "198.51.100.7", protocol: 17, transport: segment)
        let header = Array(packet4.prefix(20))
        let network = try TestNetwork(Self.nat64Configuration(), [
            F.attachment(Self.sixToFour(header: header), at: .prerouting),
        ])
        let frame = Packet.ethernet(packet6)
        let fate = network.send(frame)

        #expect(fate == .transmitted(device: network.device("v4")))
        #expect(network.trail.runs.map(\.returnValue) == [0])
        #expect(network.trail.hooks == Self.forwarded)
        #expect(network.trail.isRewritten)
        let sent = try #require(network.sink.transmitted.first?.bytes)
        #expect(sent.count == 14 + 20 + segment.count)
        #expect(Array(sent[0..<12]) == Array(frame[0..<12]))
        #expect(Bytes.be16(sent, 12) == 0x0800)
        var expectedHeader = header
        expectedHeader[8] = 63
        #expect(Array(sent[14..<(14 + 8)]) == Array(expectedHeader[0..<8]))
        #expect(sent[14 + 8] == 63 && Packet.hasValidIPv4Checksum(sent, at: 14))
        #expect(Array(sent[(14 + 12)..<(14 + 20)]) == Array(header[12..<20]))
        #expect(Array(sent[(14 + 20)...]) == segment, "the UDP datagram is carried over")
        #expect(network.sink.transmitted.first?.etherType == 0x0800)
    }

    @Test func withoutTheProgramTheIPv6RouteIsUsed() throws {
        let network = try TestNetwork(Self.nat64Configuration())
        let fate = network.send(Packet.ethernet(Packet.udp6(from: "2001:db8:1::10", to: "64:ff9b::c633:6407")))
        #expect(fate == .transmitted(device: network.device("out")))
        #expect(!network.trail.isRewritten)
    }

    @Test func aProgramThatOnlyReadsLeavesTheTrailUnrewritten() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(DatapathTests.requiresIPv4HeaderFirst, at: .prerouting),
        ])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: 1))
        #expect(!network.trail.isRewritten)
    }
}
