import BPFABI
import Datapath
import PacketBuffer
import Testing

// The packet's way through the hooks: the default topology end to end, drops at every hook,
// stolen packets, verdicts that go on to the next program, priority order, the mark from one
// hook to the next (and into routing), devices with and without a link header, VLAN tags.

@Suite struct DatapathTests {
    typealias F = DatapathFixture

    static let forwardPath: [HookPoint] = [.ingress, .prerouting, .forward, .postrouting, .egress]

    @Test func fixtureConstantsMatchTheABI() {
        #expect(SkBuffContext.Field.mark.offset == F.Offset.mark)
        #expect(SkBuffContext.Field.protocol.offset == F.Offset.protocol)
        #expect(SkBuffContext.Field.vlanPresent.offset == F.Offset.vlanPresent)
        #expect(SkBuffContext.Field.vlanTCI.offset == F.Offset.vlanTCI)
        #expect(SkBuffContext.Field.priority.offset == F.Offset.priority)
        #expect(SkBuffContext.Field.ingressIfindex.offset == F.Offset.ingressIfindex)
        #expect(SkBuffContext.Field.ifindex.offset == F.Offset.ifindex)
        #expect(SkBuffContext.Field.data.offset == F.Offset.data)
        #expect(SkBuffContext.Field.dataEnd.offset == F.Offset.dataEnd)
        #expect(HelperID.redirect.rawValue == F.Helper.redirect)
        #expect(HelperID.cloneRedirect.rawValue == F.Helper.cloneRedirect)
        #expect(HelperID(name: "skb_change_proto")?.rawValue == F.Helper.changeProto)
        #expect(RedirectFlags.ingress == F.ingressFlag)
    }

    // MARK: Default topology

    @Test func defaultTopologyForwardsOutOfOut() throws {
        let network = try TestNetwork(F.defaultConfiguration())
        let frame = Packet.ethernet(Packet.udp4(ttl: 64))
        let fate = network.send(frame)
        let out = network.device("out")

        #expect(fate == .transmitted(device: out))
        #expect(network.trail.fate == fate)
        #expect(network.trail.hooks == Self.forwardPath)
        #expect(network.trail.runs.isEmpty)
        #expect(!network.trail.isRewritten)
        #expect(network.trail.redirects == 0)

        #expect(network.sink.records.count == 1)
        let sent = try #require(network.sink.transmitted(on: out).first)
        #expect(sent.count == frame.count)
        #expect(Array(sent[0..<12]) == Array(frame[0..<12]), "Ethernet addresses kept")
        #expect(Bytes.be16(sent, 12) == 0x0800)
        #expect(sent[14 + 8] == 63, "TTL decremented once")
        #expect(Packet.hasValidIPv4Checksum(sent, at: 14))
        var expected = frame
        expected[14 + 8] = 63
        expected[(14 + 10)...(14 + 11)] = sent[(14 + 10)...(14 + 11)]
        #expect(sent == expected, "nothing but TTL and checksum changes")

        let totals = network.totals
        #expect(totals.received == 1 && totals.transmitted == 1 && totals.dropped == 0)
        #expect(totals.addsUp)
        for hook in HookPoint.allCases {
            let statistics = network.datapath.statistics(of: hook)
            let passes = Self.forwardPath.contains(hook) ? 1 : 0
            #expect(statistics.packets == passes && statistics.passed == passes && statistics.dropped == 0, "\(hook)")
        }
        let input = network.datapath.statistics(ofDevice: network.device("in"))
        let output = network.datapath.statistics(ofDevice: out)
        #expect(input.rxPackets == 1 && input.rxBytes == frame.count && input.txPackets == 0)
        #expect(output.txPackets == 1 && output.txBytes == frame.count && output.rxPackets == 0)
    }

    @Test func defaultTopologyForwardsIPv6WithTheHopLimitDecremented() throws {
        let network = try TestNetwork(F.defaultConfiguration())
        let frame = Packet.ethernet(Packet.udp6(hopLimit: 9))
        #expect(network.send(frame) == .transmitted(device: network.device("out")))
        let sent = try #require(network.sink.transmitted.first?.bytes)
        var expected = frame
        expected[14 + 7] = 8
        #expect(sent == expected)
    }

    @Test func programsSeeTheIfindexesOfTheDevices() throws {
        // ifindex << 8 | ingress_ifindex: into priority at ingress, into mark at egress.
        func recording(into field: Int) -> String {
            """
            r2 = *(u32 *)(r1 + \(F.Offset.ifindex))
            r2 <<= 8
            r3 = *(u32 *)(r1 + \(F.Offset.ingressIfindex))
            r2 |= r3
            *(u32 *)(r1 + \(field)) = r2
            r0 = 0
            exit
            """
        }
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(recording(into: F.Offset.priority), at: .ingress),
            F.attachment(recording(into: F.Offset.mark), at: .egress),
        ])
        network.send(Packet.ethernet(Packet.udp4()))
        #expect(network.datapath.ifindex(ofDevice: 0) == 2 && network.datapath.ifindex(ofDevice: 1) == 3)
        #expect(network.trail.priority == 0x0202)
        #expect(network.trail.mark == 0x0302)
        #expect(network.sink.transmitted.first?.mark == 0x0302)
    }

    // MARK: Drops

    @Test(arguments: forwardPath)
    func forwardingHookDrops(_ hook: HookPoint) throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(F.returning(2), at: hook)])
        let packet = Packet.udp4()
        let frame = Packet.ethernet(packet)
        let fate = network.send(frame)

        #expect(fate == .dropped(.program, hook: hook))
        #expect(network.trail.fate == fate)
        #expect(network.trail.hooks == Array(Self.forwardPath[...Self.forwardPath.firstIndex(of: hook)!]))
        #expect(network.trail.runs.map(\.hook) == [hook])
        #expect(network.trail.runs.map(\.returnValue) == [2])
        #expect(network.trail.runs.map(\.attachment) == [0])

        let record = try #require(network.sink.records.first)
        #expect(network.sink.records.count == 1)
        #expect(record.event == .dropped(.program, hook: hook, atLinkHeader: hook.isDeviceHook))
        switch hook {
        case .ingress: #expect(record.bytes == frame)
        case .prerouting: #expect(record.bytes == packet)
        default: #expect(record.bytes.count == (hook == .egress ? frame.count : packet.count))
        }

        let statistics = network.datapath.statistics(of: hook)
        #expect(statistics.packets == 1 && statistics.dropped == 1 && statistics.passed == 0)
        let program = network.datapath.statistics(ofProgram: 0)
        #expect(program.runs == 1 && program.dropped == 1 && program.passed == 0)
        let input = network.datapath.statistics(ofDevice: network.device("in"))
        let output = network.datapath.statistics(ofDevice: network.device("out"))
        #expect(input.rxDropped == (hook == .ingress ? 1 : 0))
        #expect(output.txDropped == (hook == .egress ? 1 : 0))
        #expect(output.txPackets == 0)
        #expect(network.totals.dropped == 1 && network.totals.dropsByReason[DropReason.program.rawValue] == 1)
        #expect(network.totals.addsUp)
    }

    @Test func inputHookDrops() throws {
        let network = try TestNetwork(F.localConfiguration(), [F.attachment(F.returning(2), at: .input)])
        let fate = network.send(Packet.ethernet(Packet.udp4(to: F.localAddress, destinationPort: 53)))
        #expect(fate == .dropped(.program, hook: .input))
        #expect(network.trail.hooks == [.ingress, .prerouting, .input])
        #expect(network.sink.records.map(\.event) == [.dropped(.program, hook: .input, atLinkHeader: false)])
        #expect(network.datapath.statistics(of: .input).dropped == 1)
        #expect(network.datapath.statistics(of: .socket).packets == 0)
        #expect(network.datapath.statistics(ofSocket: 0).received == 0)
        #expect(network.totals.addsUp && network.totals.dropped == 1)
    }

    @Test func socketFilterReturningZeroDrops() throws {
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment(F.returning(0), at: .socket, type: .socketFilter, socket: "udp/53"),
        ])
        let packet = Packet.udp4(to: F.localAddress, destinationPort: 53)
        let fate = network.send(Packet.ethernet(packet))
        #expect(fate == .dropped(.socketFilter, hook: .socket))
        #expect(network.trail.hooks == [.ingress, .prerouting, .input, .socket])
        #expect(network.trail.runs.map(\.hook) == [.socket])
        let record = try #require(network.sink.records.first)
        #expect(record.event == .dropped(.socketFilter, hook: .socket, atLinkHeader: false))
        #expect(record.bytes == packet, "reported from the network header")
        let hook = network.datapath.statistics(of: .socket)
        #expect(hook.packets == 1 && hook.dropped == 1 && hook.passed == 0)
        let socket = network.datapath.statistics(ofSocket: 0)
        #expect(socket.filtered == 1 && socket.received == 0 && socket.dropped == 0)
        #expect(network.datapath.statistics(ofProgram: 0).dropped == 1)
        #expect(network.totals.dropsByReason[DropReason.socketFilter.rawValue] == 1 && network.totals.addsUp)
    }

    @Test func socketFilterRunsOnlyAtItsSocket() throws {
        // Attached to tcp/80: udp/53 traffic never meets it.
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment(F.returning(0), at: .socket, type: .socketFilter, socket: "tcp/80"),
        ])
        let udp = Packet.ethernet(Packet.udp4(to: F.localAddress, destinationPort: 53))
        #expect(network.send(udp) == .delivered(socket: 0))
        #expect(network.send(Packet.ethernet(Packet.tcp4(to: F.localAddress, destinationPort: 80)))
            == .dropped(.socketFilter, hook: .socket))
        #expect(network.datapath.statistics(ofProgram: 0).runs == 1)
    }

    @Test func outputHookDropsTheEchoReply() throws {
        let network = try TestNetwork(F.localConfiguration(), [F.attachment(F.returning(2), at: .output)])
        let fate = network.send(Packet.ethernet(Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 7)))
        #expect(fate == .delivered(socket: 2), "the request is delivered")
        #expect(network.trail.hooks == [.ingress, .prerouting, .input, .socket],
                "the reply is not in the request's trail")
        #expect(network.sink.records.map(\.event)
            == [.delivered(socket: 2), .dropped(.program, hook: .output, atLinkHeader: false)])
        let output = network.datapath.statistics(of: .output)
        #expect(output.packets == 1 && output.dropped == 1)
        #expect(network.datapath.statistics(of: .postrouting).packets == 0)
        let totals = network.totals
        #expect(totals.generated == 1 && totals.generatedDropped == 1 && totals.generatedTransmitted == 0)
        #expect(totals.dropped == 0 && totals.dropsByReason.allSatisfy { $0 == 0 }, "input drops only")
        #expect(totals.delivered == 1 && totals.addsUp)
        #expect(network.datapath.statistics(ofSocket: 2).sent == 1)
    }

    /// A socket filter at a tc or netfilter hook is a plain filter: 0 drops, any length passes.
    @Test(arguments: [(Int32(0), false), (1, true), (-1, true)])
    func socketFilterAtATrafficHook(returning code: Int32, passes: Bool) throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(F.returning(code), at: .prerouting, type: .socketFilter),
        ])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == (passes ? .transmitted(device: 1) : .dropped(.program, hook: .prerouting)))
    }

    @Test func attachmentRefusesAProgramOfTheWrongType() throws {
        #expect(throws: ConfigurationError.self) { try F.attachment(F.returning(0), at: .socket, type: .schedCls) }
    }

    /// An unverified program reading through a NULL pointer stops with a fault: the packet is
    /// dropped as `programFault` at the hook, and the fault counted.
    @Test(arguments: [HookPoint.ingress, .prerouting, .socket])
    func faultingProgramDrops(at hook: HookPoint) throws {
        let source = "r2 = 0\nr0 = *(u64 *)(r2 + 0)\nexit"
        let network = try TestNetwork(F.localConfiguration(), [
            F.attachment(source, at: hook, type: hook == .socket ? .socketFilter : .schedCls, isVerified: false),
        ])
        let request = Packet.udp4(from: F.neighbour, to: F.localAddress, destinationPort: 53)
        let fate = network.send(Packet.ethernet(request))
        #expect(fate == .dropped(.programFault, hook: hook))
        #expect(network.trail.runs.isEmpty, "a faulting run returns nothing")
        let program = network.datapath.statistics(ofProgram: 0)
        #expect(program.runs == 1 && program.faults == 1 && program.dropped == 1)
        #expect(network.datapath.statistics(of: hook).dropped == 1)
        #expect(network.totals.dropsByReason[DropReason.programFault.rawValue] == 1 && network.totals.addsUp)
    }

    @Test func rejectedFrameIsCountedAndReported() throws {
        let network = try TestNetwork(F.defaultConfiguration())
        let skb = PacketBuffer.SkBuff(capacity: 256, headroom: 64)
        let frame: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        _ = frame.withUnsafeBytes { skb.load($0, headroom: 64) }
        #expect(network.datapath.reject(skb, on: 0, reason: .linkHeader) == .dropped(.linkHeader, hook: nil))
        let record = RecordingSink.Record(event: .dropped(.linkHeader, hook: nil, atLinkHeader: true), bytes: frame,
                                          mark: 0, priority: 0, etherType: 0)
        #expect(network.sink.records == [record])
        let device = network.datapath.statistics(ofDevice: 0)
        #expect(device.rxPackets == 1 && device.rxBytes == 7 && device.rxDropped == 1)
        #expect(network.trail.fate == .dropped(.linkHeader, hook: nil) && network.trail.hooks.isEmpty)
        #expect(network.totals.received == 1 && network.totals.addsUp)
    }

    @Test func trailsCanBeTurnedOff() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(F.settingMark(3), at: .ingress)])
        network.datapath.recordsTrails = false
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: 1))
        #expect(network.trail.hooks.isEmpty && network.trail.runs.isEmpty && network.trail.mark == 0)
        #expect(network.datapath.statistics(of: .egress).passed == 1, "statistics are kept")
        network.datapath.recordsTrails = true
        network.send(Packet.ethernet(Packet.udp4()))
        #expect(network.trail.hooks == Self.forwardPath && network.trail.mark == 3)
    }

    // MARK: Stolen and verdicts that go on

    @Test(arguments: [Int32(4), 5, 8])
    func stolen(code: Int32) throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(F.returning(code), at: .prerouting),
            F.attachment(F.settingMark(9), at: .prerouting),
        ])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .stolen(hook: .prerouting))
        #expect(network.trail.hooks == [.ingress, .prerouting])
        #expect(network.trail.runs.count == 1, "no program after a stealing one")
        #expect(network.sink.records.isEmpty, "a stolen packet reaches no sink")
        #expect(network.datapath.statistics(of: .prerouting).stolen == 1)
        #expect(network.datapath.statistics(ofProgram: 0).stolen == 1)
        #expect(network.datapath.statistics(ofProgram: 1).runs == 0)
        #expect(network.totals.stolen == 1 && network.totals.dropped == 0 && network.totals.addsUp)
    }

    /// UNSPEC, OK, RECLASSIFY, PIPE and REPEAT let the hook's next program run.
    @Test(arguments: [Int32(-1), 0, 1, 3, 6])
    func verdictGoesOnToTheNextProgram(code: Int32) throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(F.returning(code), at: .forward),
            F.attachment(F.settingMark(7), at: .forward),
        ])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .transmitted(device: 1))
        #expect(network.trail.runs.map(\.attachment) == [0, 1])
        #expect(network.trail.runs.map(\.returnValue) == [UInt64(bitPattern: Int64(code)), 0])
        #expect(network.trail.mark == 7)
        #expect(network.datapath.statistics(ofProgram: 0).passed == 1)
        #expect(network.datapath.statistics(of: .forward).passed == 1)
    }

    @Test func lowerPriorityRunsFirst() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(F.settingMark(1), at: .prerouting, priority: 10),
            F.attachment(F.settingMark(2), at: .prerouting, priority: 5),
        ])
        network.send(Packet.ethernet(Packet.udp4()))
        #expect(network.trail.runs.map(\.attachment) == [1, 0])
        #expect(network.trail.mark == 1, "the later (priority 10) program's mark stays")
    }

    @Test func equalPrioritiesKeepTheirOrder() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(F.settingMark(1), at: .prerouting, priority: 5),
            F.attachment(F.settingMark(2), at: .prerouting, priority: 5),
            F.attachment(F.settingMark(3), at: .prerouting, priority: 1),
        ])
        network.send(Packet.ethernet(Packet.udp4()))
        #expect(network.trail.runs.map(\.attachment) == [2, 0, 1])
        #expect(network.trail.mark == 2)
    }

    // MARK: Mark and policy routing

    /// `in`, `out`, `marked`; main: default → out; table 100: default → marked; rule fwmark 1/0xff → 100.
    static func markRouting() -> DatapathConfiguration {
        DatapathConfiguration(
            devices: ["in", "out", "marked"].map { DeviceConfiguration(name: $0, hasLinkHeader: true) },
            routes: [RouteConfiguration(prefix: IPPrefix("default")!, device: "out"),
                     RouteConfiguration(prefix: IPPrefix("default")!, device: "marked", table: 100)],
            rules: [RuleConfiguration(mark: 1, mask: 0xff, table: 100)])
    }

    @Test func markSetAtPreroutingPersistsAndSelectsTheRoute() throws {
        let network = try TestNetwork(Self.markRouting(), [
            F.attachment(F.settingMark(1), at: .prerouting),
            F.attachment(F.requiringMark(1), at: .forward),
            F.attachment(F.requiringMark(1), at: .postrouting),
            F.attachment(F.requiringMark(1), at: .egress),
        ])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .transmitted(device: network.device("marked")))
        #expect(network.trail.runs.map(\.returnValue) == [0, 0, 0, 0])
        #expect(network.trail.mark == 1)
        #expect(network.sink.transmitted.first?.mark == 1)
    }

    @Test(arguments: [(UInt32(0), "out"), (1, "marked"), (0x301, "marked"), (2, "out"), (0x100, "out")])
    func fwmarkRuleMatchesUnderItsMask(mark: UInt32, device: String) throws {
        let attachments = mark == 0 ? [] : [try F.attachment(F.settingMark(mark), at: .prerouting)]
        let network = try TestNetwork(Self.markRouting(), attachments)
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: network.device(device)))
        #expect(network.trail.mark == mark)
    }

    // MARK: Devices without a link header

    /// Passes only packets whose first byte is 0x45 (an IPv4 header without options).
    static let requiresIPv4HeaderFirst = """
        r2 = *(u32 *)(r1 + \(F.Offset.data))
        r3 = *(u32 *)(r1 + \(F.Offset.dataEnd))
        r4 = r2
        r4 += 1
        if r4 > r3 goto drop
        r5 = *(u8 *)(r2 + 0)
        if r5 != 0x45 goto drop
        r0 = 0
        exit
        drop:
        r0 = 2
        exit
        """

    static func l3Configuration(outHasLinkHeader: Bool) -> DatapathConfiguration {
        DatapathConfiguration(
            devices: [DeviceConfiguration(name: "in", hasLinkHeader: false),
                      DeviceConfiguration(name: "out", hasLinkHeader: outHasLinkHeader)],
            routes: [RouteConfiguration(prefix: IPPrefix("default")!, device: "out"),
                     RouteConfiguration(prefix: IPPrefix("default6")!, device: "out")])
    }

    @Test func l3DeviceIngressSeesTheIPHeaderAndEthernetOutputGetsAHeader() throws {
        let network = try TestNetwork(Self.l3Configuration(outHasLinkHeader: true), [
            F.attachment(Self.requiresIPv4HeaderFirst, at: .ingress),
        ])
        let packet = Packet.udp4()
        #expect(network.send(packet) == .transmitted(device: 1))
        #expect(network.trail.runs.map(\.returnValue) == [0])
        let sent = try #require(network.sink.transmitted.first?.bytes)
        #expect(sent.count == 14 + packet.count)
        #expect(Array(sent[0..<6]) == [0x02, 0, 0, 0, 0, 0x02], "locally administered neighbour")
        #expect(Array(sent[6..<12]) == [0x02, 0, 0, 0, 0, 0x01], "locally administered source")
        #expect(Bytes.be16(sent, 12) == 0x0800)
        #expect(sent[14 + 8] == 63 && Packet.hasValidIPv4Checksum(sent, at: 14))
        #expect(Array(sent[(14 + 12)...]) == Array(packet[12...]))

        // IPv6 starts with 0x60: the program drops it, the drop reported from the network header.
        let packet6 = Packet.udp6()
        #expect(network.send(packet6) == .dropped(.program, hook: .ingress))
        #expect(network.sink.records.last?.event == .dropped(.program, hook: .ingress, atLinkHeader: false))
        #expect(network.sink.records.last?.bytes == packet6)
    }

    @Test func l3ToL3CarriesNoLinkHeader() throws {
        let network = try TestNetwork(Self.l3Configuration(outHasLinkHeader: false))
        let packet = Packet.udp6()
        #expect(network.send(packet) == .transmitted(device: 1))
        #expect(network.sink.transmitted.first?.bytes.count == packet.count)
        #expect(network.sink.transmitted.first?.bytes.first == 0x60)
    }

    @Test func ethernetToL3DropsTheLinkHeader() throws {
        var configuration = F.defaultConfiguration()
        configuration.devices[1].hasLinkHeader = false
        let network = try TestNetwork(configuration, [F.attachment(Self.requiresIPv4HeaderFirst, at: .egress)])
        let packet = Packet.udp4()
        #expect(network.send(Packet.ethernet(packet)) == .transmitted(device: 1))
        let sent = try #require(network.sink.transmitted.first?.bytes)
        #expect(sent.count == packet.count && sent[0] == 0x45)
    }

    // MARK: VLAN

    /// Checks the frame arrives untagged (EtherType 0x0800 at 12) with `vlan_present`, and copies
    /// `vlan_tci` into the mark.
    static let copiesTCIIntoMark = """
        r2 = *(u32 *)(r1 + \(F.Offset.vlanPresent))
        if r2 != 1 goto drop
        r2 = *(u32 *)(r1 + \(F.Offset.data))
        r3 = *(u32 *)(r1 + \(F.Offset.dataEnd))
        r4 = r2
        r4 += 14
        if r4 > r3 goto drop
        r5 = *(u16 *)(r2 + 12)
        if r5 != 0x8 goto drop
        r2 = *(u32 *)(r1 + \(F.Offset.vlanTCI))
        *(u32 *)(r1 + \(F.Offset.mark)) = r2
        r0 = 0
        exit
        drop:
        r0 = 2
        exit
        """

    @Test func taggedFrameIsUntaggedAtIngressAndRetaggedOnOutput() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(Self.copiesTCIIntoMark, at: .ingress)])
        let tci: UInt16 = 0x2064  // priority 1, VLAN 100
        let packet = Packet.udp4()
        let frame = Packet.ethernet(packet, vlanTCI: tci)
        #expect(network.send(frame) == .transmitted(device: 1))
        #expect(network.trail.runs.map(\.returnValue) == [0])
        #expect(network.trail.mark == UInt32(tci))
        let sent = try #require(network.sink.transmitted.first?.bytes)
        #expect(sent.count == frame.count)
        #expect(Array(sent[0..<12]) == Array(frame[0..<12]))
        #expect(Bytes.be16(sent, 12) == 0x8100 && Bytes.be16(sent, 14) == tci && Bytes.be16(sent, 16) == 0x0800)
        #expect(sent[18 + 8] == 63 && Packet.hasValidIPv4Checksum(sent, at: 18))
    }

    @Test func secondTagIsNotIP() throws {
        let network = try TestNetwork(F.defaultConfiguration())
        let inner: [UInt8] = Bytes.be16(0x0065) + [0x08, 0x00] + Packet.udp4()
        let frame = Packet.ethernet(inner, etherType: 0x8100, vlanTCI: 0x0064)
        #expect(network.send(frame) == .dropped(.notIP, hook: nil))
        #expect(network.trail.hooks == [.ingress])
    }

    @Test func untaggedFrameHasNoVLAN() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(Self.copiesTCIIntoMark, at: .ingress)])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .dropped(.program, hook: .ingress))
    }
}
