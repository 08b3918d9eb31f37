import Datapath
import Testing

// Local sockets: the socket hook's filters (trim to their return value, never below the
// transport header), the receive buffer of a reader that does not read, and the UDP echo
// service whose replies take the local output path.

@Suite struct DatapathSocketTests {
    typealias F = DatapathFixture

    // MARK: Socket filters

    /// The request of the filter tests: 20-byte IPv4 header, 8-byte UDP header, 16 bytes of payload.
    static let request = Packet.udp4(from: F.neighbour, to: F.localAddress, sourcePort: 13, destinationPort: 53)

    /// (filter's return value, transport bytes delivered, whether the run counts as a trim)
    @Test(arguments: [(Int64(12), 12, true), (4, 8, true), (1, 8, true), (23, 23, true), (24, 24, false),
                      (500, 24, false), (-1, 24, false)])
    func socketFilterTrims(returning value: Int64, keeps transportBytes: Int, isTrim: Bool) throws {
        #expect(Self.request.count == 20 + 24)
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment("r0 = \(value)\nexit", at: .socket, type: .socketFilter, socket: "udp/53"),
        ])
        #expect(network.send(Packet.ethernet(Self.request)) == .delivered(socket: 0))
        #expect(network.trail.runs.map(\.returnValue) == [UInt64(bitPattern: value)])
        let delivered = try #require(network.sink.delivered.first?.bytes)
        #expect(delivered == Array(Self.request.prefix(20 + transportBytes)))
        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.received == 1 && socket.receivedBytes == 20 + transportBytes && socket.filtered == 0)
        let program = network.datapath.statistics(ofProgram: 0)
        #expect(program.runs == 1 && program.passed == 1 && program.trimmed == (isTrim ? 1 : 0))
        #expect(program.bytes == 24, "the filter is given the transport part")
        let hook = network.datapath.statistics(of: .socket)
        #expect(hook.packets == 1 && hook.passed == 1 && hook.dropped == 0)
        #expect(network.totals.delivered == 1 && network.totals.addsUp)
    }

    @Test func tcpSocketFilterCannotTrimIntoTheTCPHeader() throws {
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment("r0 = 4\nexit", at: .socket, type: .socketFilter, socket: "tcp/80"),
        ])
        let packet = Packet.tcp4(from: F.neighbour, to: F.localAddress, destinationPort: 80, payload: Array(0..<10))
        #expect(network.send(Packet.ethernet(packet)) == .delivered(socket: 1))
        #expect(network.sink.delivered.first?.bytes == Array(packet.prefix(20 + 20)))
    }

    /// The filter reads the UDP source port (13) as a classic `LD_ABS` at offset 0 and keeps
    /// that many bytes: it sees `data` at the transport header.
    @Test func socketFilterSeesTheTransportHeader() throws {
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment("r6 = r1\nr0 = *(u16 *)skb[0]\nexit", at: .socket, type: .socketFilter),
        ])
        #expect(network.send(Packet.ethernet(Self.request)) == .delivered(socket: 0))
        #expect(network.trail.runs.map(\.returnValue) == [13])
        #expect(network.sink.delivered.first?.bytes.count == 20 + 13)
    }

    @Test func filtersOfASocketRunInPriorityOrderAndEachMayTrim() throws {
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment("r0 = 10\nexit", at: .socket, type: .socketFilter, priority: 2, socket: "udp/53"),
            F.attachment("r0 = 20\nexit", at: .socket, type: .socketFilter, priority: 1, socket: "udp/53"),
        ])
        #expect(network.send(Packet.ethernet(Self.request)) == .delivered(socket: 0))
        #expect(network.trail.runs.map(\.attachment) == [1, 0])
        #expect(network.sink.delivered.first?.bytes.count == 20 + 10)
        #expect(network.datapath.statistics(ofProgram: 0).bytes == 20, "the second filter sees the first one's trim")
    }

    // MARK: Receive buffer

    /// 128-byte datagrams: each queued one counts 128 + 576 = 704 bytes.
    static let datagram = Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 53,
                                      payload: [UInt8](repeating: 7, count: 100))
    static let truesize = 128 + 576

    static func stalledSocket(receiveBufferSize: Int, reader: SocketReader = .stalled) -> DatapathConfiguration {
        F.localConfiguration(sockets: [
            SocketConfiguration(transport: .udp, port: 53, receiveBufferSize: receiveBufferSize, reader: reader),
        ])
    }

    /// The queue refuses a packet while it holds more than rcvbuf, so an empty queue always
    /// takes one: (rcvbuf, packets accepted).
    @Test(arguments: [(1, 1), (703, 1), (704, 2), (705, 2), (2000, 3), (2112, 4), (2113, 4)])
    func stalledReaderOverflowsTheReceiveBuffer(receiveBufferSize: Int, accepted: Int) throws {
        let network = try TestNetwork(Self.stalledSocket(receiveBufferSize: receiveBufferSize))
        let sent = 8
        let fates = (0..<sent).map { _ in network.send(Packet.ethernet(Self.datagram)) }
        let expected = [PacketFate](repeating: .delivered(socket: 0), count: accepted)
            + [PacketFate](repeating: .dropped(.socketBufferFull, hook: .socket), count: sent - accepted)
        #expect(fates == expected)
        #expect(network.trail.hooks == [.ingress, .prerouting, .input, .socket])
        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.received == accepted && socket.dropped == sent - accepted && socket.filtered == 0)
        #expect(socket.receivedBytes == accepted * 128)
        #expect(socket.queuedBytes == accepted * Self.truesize)
        #expect(network.sink.delivered.count == accepted)
        #expect(network.sink.dropped.map(\.event)
            == [RecordingSink.Event](repeating: .dropped(.socketBufferFull, hook: .socket, atLinkHeader: false),
                                     count: sent - accepted))
        let totals = network.totals
        #expect(totals.delivered == accepted && totals.dropped == sent - accepted)
        #expect(totals.dropsByReason[DropReason.socketBufferFull.rawValue] == sent - accepted && totals.addsUp)
    }

    @Test func drainingTheSocketLetsMoreIn() throws {
        let network = try TestNetwork(Self.stalledSocket(receiveBufferSize: 2000))
        for _ in 0..<3 { #expect(network.send(Packet.ethernet(Self.datagram)) == .delivered(socket: 0)) }
        #expect(network.send(Packet.ethernet(Self.datagram)) == .dropped(.socketBufferFull, hook: .socket))

        // One packet read: 1408 queued, at most rcvbuf, so one more fits.
        network.datapath.drainSocket(0, byteCount: Self.truesize)
        #expect(network.datapath.statistics(ofSocket: 0).queuedBytes == 2 * Self.truesize)
        #expect(network.send(Packet.ethernet(Self.datagram)) == .delivered(socket: 0))
        #expect(network.send(Packet.ethernet(Self.datagram)) == .dropped(.socketBufferFull, hook: .socket))

        network.datapath.drainSocket(0)
        #expect(network.datapath.statistics(ofSocket: 0).queuedBytes == 0)
        #expect(network.send(Packet.ethernet(Self.datagram)) == .delivered(socket: 0))
        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.received == 5 && socket.dropped == 2 && socket.queuedBytes == Self.truesize)
        #expect(network.totals.addsUp)
    }

    @Test func immediateReaderNeverOverflows() throws {
        let network = try TestNetwork(Self.stalledSocket(receiveBufferSize: 1, reader: .immediate))
        for _ in 0..<5 { #expect(network.send(Packet.ethernet(Self.datagram)) == .delivered(socket: 0)) }
        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.received == 5 && socket.dropped == 0 && socket.queuedBytes == 0)
    }

    @Test func trimmedPacketsChargeTheirTrimmedLength() throws {
        let network = try TestNetwork(Self.stalledSocket(receiveBufferSize: 100_000), [
            F.attachment("r0 = 8\nexit", at: .socket, type: .socketFilter),
        ])
        network.send(Packet.ethernet(Self.datagram))
        #expect(network.datapath.statistics(ofSocket: 0).queuedBytes == 28 + 576)
    }

    // MARK: Echo

    static let echoPayload: [UInt8] = Array("echo me, please: 0123456789".utf8)

    /// (request, the echo socket's configuration)
    static let echoRequests: [(request: [UInt8], isIPv6: Bool)] = [
        (Packet.udp4(from: F.neighbour, to: F.localAddress, sourcePort: 5555, destinationPort: 7, payload: echoPayload),
         false),
        (Packet.udp6(from: F.neighbour6, to: F.localAddress6, sourcePort: 5555, destinationPort: 7,
                     payload: echoPayload), true),
    ]

    @Test(arguments: echoRequests)
    func udpEchoSocketAnswersTowardTheSender(request: [UInt8], isIPv6: Bool) throws {
        let echo = SocketConfiguration(transport: .udp, port: 7, isEcho: true, mark: 5, priority: 3)
        let network = try TestNetwork(F.localConfiguration(sockets: [echo]))
        let frame = Packet.ethernet(request, destination: Packet.routerMAC, source: Packet.hostMAC)
        let fate = network.send(frame)

        #expect(fate == .delivered(socket: 0))
        #expect(network.sink.records.map(\.event) == [.delivered(socket: 0), .transmitted(device: 0)],
                "the reply leaves through in, the connected route back to the sender")
        let reply = try #require(network.sink.transmitted.first)
        #expect(reply.mark == 5 && reply.priority == 3, "sent with the socket's SO_MARK and SO_PRIORITY")
        let bytes = reply.bytes
        #expect(Array(bytes[0..<6]) == Bytes.mac(Packet.hostMAC), "to the neighbour that asked")
        #expect(Array(bytes[6..<12]) == Bytes.mac(Packet.routerMAC), "from the address it asked")
        let ip = Array(bytes[14...])
        let headerLength = isIPv6 ? 40 : 20
        let addressOffset = isIPv6 ? 8 : 12
        let addressLength = isIPv6 ? 16 : 4
        #expect(ip.count == headerLength + 8 + Self.echoPayload.count)
        if isIPv6 {
            #expect(Bytes.be16(bytes, 12) == 0x86DD)
            #expect(ip[0] >> 4 == 6 && ip[6] == 17 && ip[7] == 64)
            #expect(Int(Bytes.be16(ip, 4)) == 8 + Self.echoPayload.count)
        } else {
            #expect(Bytes.be16(bytes, 12) == 0x0800)
            #expect(ip[0] == 0x45 && ip[9] == 17 && ip[8] == 64 && ip[6] & 0x40 != 0)
            #expect(Int(Bytes.be16(ip, 2)) == ip.count)
            #expect(Packet.hasValidIPv4Checksum(ip))
        }
        let source = Array(ip[addressOffset..<(addressOffset + addressLength)])
        let destination = Array(ip[(addressOffset + addressLength)..<(addressOffset + 2 * addressLength)])
        #expect(source == Array(request[(addressOffset + addressLength)..<(addressOffset + 2 * addressLength)]))
        #expect(destination == Array(request[addressOffset..<(addressOffset + addressLength)]))
        #expect(Bytes.be16(ip, headerLength) == 7 && Bytes.be16(ip, headerLength + 2) == 5555)
        #expect(Int(Bytes.be16(ip, headerLength + 4)) == 8 + Self.echoPayload.count)
        #expect(Array(ip[(headerLength + 8)...]) == Self.echoPayload)
        #expect(Packet.hasValidUDPChecksum(ip))

        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.received == 1 && socket.sent == 1)
        let totals = network.totals
        #expect(totals.received == 1 && totals.delivered == 1 && totals.transmitted == 0 && totals.addsUp)
        #expect(totals.generated == 1 && totals.generatedTransmitted == 1 && totals.generatedDropped == 0)
        for hook in [HookPoint.output, .postrouting, .egress] {
            #expect(network.datapath.statistics(of: hook).packets == 1, "\(hook)")
        }
        #expect(network.datapath.statistics(of: .forward).packets == 0)
        #expect(network.datapath.statistics(ofDevice: 0).txPackets == 1)
        #expect(network.trail.hooks == [.ingress, .prerouting, .input, .socket])
    }

    @Test func echoReplyFollowsTheSocketMarkThroughPolicyRouting() throws {
        // The neighbour's prefix is also routed to `out` in table 7, which mark 5 selects.
        var configuration = F.localConfiguration(sockets: [
            SocketConfiguration(transport: .udp, port: 7, isEcho: true, mark: 5),
        ])
        configuration.routes.append(RouteConfiguration(prefix: IPPrefix("10.0.0.0/24")!, device: "out", table: 7))
        configuration.rules.append(RuleConfiguration(mark: 5, table: 7))
        let network = try TestNetwork(configuration, [F.attachment(F.requiringMark(5), at: .output)])
        network.send(Packet.ethernet(Self.echoRequests[0].request))
        #expect(network.sink.records.map(\.event) == [.delivered(socket: 0), .transmitted(device: 1)])
    }
}
