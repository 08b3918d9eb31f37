import Datapath
import Testing

// bpf_redirect (to a device's egress, or its ingress with BPF_F_INGRESS; loops bounded by
// Datapath.redirectLimit; unknown targets and TC_ACT_REDIRECT without a target dropped) and
// bpf_clone_redirect (the copy sent after the packet, counted as generated).

@Suite struct DatapathRedirectTests {
    typealias F = DatapathFixture

    /// ifindex of device `name` in `configuration` (2 for the first device).
    static func ifindex(_ name: String, in configuration: DatapathConfiguration) -> UInt32 {
        UInt32(2 + configuration.devices.firstIndex { $0.name == name }!)
    }

    static func redirecting(to ifindex: UInt32, flags: UInt64 = 0) -> String {
        """
        r1 = \(ifindex)
        r2 = \(flags)
        call \(F.Helper.redirect)
        exit
        """
    }

    /// Clones to `ifindex`, keeps the helper's result in the mark, returns 0.
    static func cloning(to ifindex: UInt32, flags: UInt64 = 0) -> String {
        """
        r6 = r1
        r2 = \(ifindex)
        r3 = \(flags)
        call \(F.Helper.cloneRedirect)
        *(u32 *)(r6 + \(F.Offset.mark)) = r0
        r0 = 0
        exit
        """
    }

    // MARK: bpf_redirect

    @Test func redirectToAnotherDeviceSkipsTheStack() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["other"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.redirecting(to: Self.ifindex("other", in: configuration)), at: .ingress),
        ])
        let frame = Packet.ethernet(Packet.udp4())
        let other = network.device("other")
        let fate = network.send(frame)

        #expect(fate == .transmitted(device: other))
        #expect(network.trail.hooks == [.ingress, .egress])
        #expect(network.trail.runs.map(\.returnValue) == [7])
        #expect(network.trail.redirects == 1)
        #expect(network.sink.transmitted(on: other) == [frame], "sent as it came: no TTL decrement")
        #expect(network.sink.records.count == 1)
        #expect(network.datapath.statistics(of: .ingress).redirected == 1)
        #expect(network.datapath.statistics(ofProgram: 0).redirected == 1)
        #expect(network.datapath.statistics(of: .egress).passed == 1)
        #expect(network.datapath.statistics(of: .prerouting).packets == 0)
        #expect(network.datapath.statistics(ofDevice: other).txPackets == 1)
        #expect(network.datapath.statistics(ofDevice: network.device("out")).txPackets == 0)
        #expect(network.totals.redirects == 1 && network.totals.transmitted == 1 && network.totals.addsUp)
    }

    @Test func redirectToAnotherDevicesIngressTakesItsWayFromThere() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["other"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.redirecting(to: Self.ifindex("other", in: configuration), flags: F.ingressFlag),
                         at: .ingress, device: "in"),
        ])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .transmitted(device: network.device("out")))
        #expect(network.trail.hooks == [.ingress, .ingress, .prerouting, .forward, .postrouting, .egress])
        #expect(network.datapath.statistics(ofDevice: network.device("other")).rxPackets == 1)
        #expect(network.datapath.statistics(ofProgram: 0).runs == 1, "attached to in only")
    }

    @Test func redirectToItsOwnIngressIsALoop() throws {
        let configuration = F.defaultConfiguration()
        let network = try TestNetwork(configuration, [
            F.attachment(Self.redirecting(to: Self.ifindex("in", in: configuration), flags: F.ingressFlag),
                         at: .ingress),
        ])
        let frame = Packet.ethernet(Packet.udp4())
        let fate = network.send(frame)
        let passes = Datapath.redirectLimit + 1  // the packet's own, then one per redirect done

        #expect(fate == .dropped(.redirectLoop, hook: .ingress))
        #expect(network.trail.fate == fate)
        #expect(network.trail.hooks == [HookPoint](repeating: .ingress, count: passes))
        #expect(network.trail.runs.count == passes)
        #expect(network.sink.records.map(\.event) == [.dropped(.redirectLoop, hook: .ingress, atLinkHeader: true)])
        #expect(network.sink.records.first?.bytes == frame)
        #expect(network.datapath.statistics(ofProgram: 0).runs == passes)
        #expect(network.datapath.statistics(ofDevice: 0).rxPackets == passes)
        #expect(network.totals.dropped == 1 && network.totals.dropsByReason[DropReason.redirectLoop.rawValue] == 1)
        #expect(network.totals.addsUp)
    }

    @Test func redirectToAnUnknownIfindexFails() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(Self.redirecting(to: 99), at: .ingress)])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .dropped(.redirectFailed, hook: .ingress))
        #expect(network.trail.runs.map(\.returnValue) == [7], "bpf_redirect does not check the device")
        #expect(network.sink.records.map(\.event) == [.dropped(.redirectFailed, hook: .ingress, atLinkHeader: true)])
        #expect(network.totals.dropsByReason[DropReason.redirectFailed.rawValue] == 1 && network.totals.addsUp)
    }

    @Test(arguments: [HookPoint.ingress, .prerouting, .forward, .postrouting, .egress])
    func redirectVerdictWithoutATargetFails(at hook: HookPoint) throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(F.returning(7), at: hook)])
        let fate = network.send(Packet.ethernet(Packet.udp4()))
        #expect(fate == .dropped(.redirectFailed, hook: hook))
        #expect(network.sink.records.map(\.event)
            == [.dropped(.redirectFailed, hook: hook, atLinkHeader: hook.isDeviceHook)])
        #expect(network.datapath.statistics(ofDevice: 1).txPackets == 0)
    }

    @Test func aTargetFromAnEarlierPacketIsNotReused() throws {
        // Frames of `redirected.count` bytes are redirected; others only get `return 7`.
        let configuration = F.defaultConfiguration(extraDevices: ["other"])
        let redirected = Packet.ethernet(Packet.udp4())
        let program = """
            r2 = *(u32 *)(r1 + 0)
            r0 = 7
            if r2 != \(redirected.count) goto out
            r1 = \(Self.ifindex("other", in: configuration))
            r2 = 0
            call \(F.Helper.redirect)
            out:
            exit
            """
        let network = try TestNetwork(configuration, [F.attachment(program, at: .ingress, device: "in")])
        #expect(network.send(redirected) == .transmitted(device: network.device("other")))
        #expect(network.send(Packet.ethernet(Packet.udp4(payload: []))) == .dropped(.redirectFailed, hook: .ingress))
        #expect(network.send(redirected) == .transmitted(device: network.device("other")))
    }

    @Test func redirectWithUnknownFlagsDrops() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [
            F.attachment(Self.redirecting(to: 3, flags: 2), at: .ingress),
        ])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .dropped(.program, hook: .ingress))
        #expect(network.trail.runs.map(\.returnValue) == [2], "bpf_redirect returns TC_ACT_SHOT")
    }

    @Test func redirectFromANetfilterHookGetsALinkHeader() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["other"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.redirecting(to: Self.ifindex("other", in: configuration)), at: .prerouting),
        ])
        let frame = Packet.ethernet(Packet.udp4())
        #expect(network.send(frame) == .transmitted(device: network.device("other")))
        #expect(network.trail.hooks == [.ingress, .prerouting, .egress])
        #expect(network.sink.transmitted.first?.bytes == frame, "the arrival addresses, the IP packet as it was")
    }

    @Test func redirectToAnL3DeviceLeavesTheLinkHeaderBehind() throws {
        var configuration = F.defaultConfiguration()
        configuration.devices.append(DeviceConfiguration(name: "tun", hasLinkHeader: false))
        let network = try TestNetwork(configuration, [
            F.attachment(Self.redirecting(to: Self.ifindex("tun", in: configuration)), at: .ingress),
        ])
        let packet = Packet.udp4()
        #expect(network.send(Packet.ethernet(packet)) == .transmitted(device: network.device("tun")))
        #expect(network.sink.transmitted.first?.bytes == packet)
    }

    // MARK: bpf_clone_redirect

    @Test func cloneGoesToTheMirrorAndTheOriginalOnItsWay() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["mirror"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.cloning(to: Self.ifindex("mirror", in: configuration)), at: .ingress),
        ])
        let frame = Packet.ethernet(Packet.udp4())
        let out = network.device("out"), mirror = network.device("mirror")
        let fate = network.send(frame)

        #expect(fate == .transmitted(device: out))
        #expect(network.trail.hooks == DatapathTests.forwardPath, "the clone is not in the packet's trail")
        #expect(network.trail.runs.map(\.returnValue) == [0])
        #expect(network.trail.mark == 0, "bpf_clone_redirect returned 0")
        #expect(network.sink.records.map(\.event) == [.transmitted(device: out), .transmitted(device: mirror)],
                "the clone is sent once the packet is done")
        #expect(network.sink.transmitted(on: mirror) == [frame], "cloned at ingress, before the TTL decrement")
        #expect(network.sink.transmitted(on: out).first?[14 + 8] == 63)

        let totals = network.totals
        #expect(totals.received == 1 && totals.transmitted == 1 && totals.addsUp)
        #expect(totals.generated == 1 && totals.generatedTransmitted == 1 && totals.generatedDropped == 0)
        #expect(totals.clonesRefused == 0)
        #expect(network.datapath.statistics(ofDevice: mirror).txPackets == 1)
        #expect(network.datapath.statistics(of: .egress).packets == 2)
        #expect(network.datapath.statistics(of: .ingress).packets == 1)
    }

    @Test func cloneToAnIngressIsRoutedLikeAReceivedPacket() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["mirror"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.cloning(to: Self.ifindex("mirror", in: configuration), flags: F.ingressFlag),
                         at: .ingress, device: "in"),
        ])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: 1))
        #expect(network.sink.records.map(\.event) == [.transmitted(device: 1), .transmitted(device: 1)])
        #expect(network.datapath.statistics(ofDevice: network.device("mirror")).rxPackets == 1)
        #expect(network.totals.generated == 1 && network.totals.generatedTransmitted == 1 && network.totals.addsUp)
    }

    @Test func cloneToAnUnknownDeviceFailsInTheHelper() throws {
        let network = try TestNetwork(F.defaultConfiguration(), [F.attachment(Self.cloning(to: 99), at: .ingress)])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: 1))
        #expect(network.trail.mark == UInt32(bitPattern: -22), "-EINVAL")
        #expect(network.sink.records.count == 1)
        #expect(network.totals.generated == 0 && network.totals.addsUp)
    }

    /// A program cloning every packet back into its own ingress clones its clones too: the
    /// datapath's clone buffers bound the chain, and the helper is refused after that.
    @Test func cloneChainEndsWhenTheCloneBuffersRunOut() throws {
        let configuration = F.defaultConfiguration()
        let network = try TestNetwork(configuration, [
            F.attachment(Self.cloning(to: Self.ifindex("in", in: configuration), flags: F.ingressFlag), at: .ingress),
        ])
        #expect(network.send(Packet.ethernet(Packet.udp4())) == .transmitted(device: 1))
        let totals = network.totals
        #expect(totals.generated == 64 && totals.generatedTransmitted == 64)
        #expect(totals.clonesRefused == 1)
        #expect(network.sink.transmitted(on: 1).count == 65)
        #expect(totals.received == 1 && totals.transmitted == 1 && totals.addsUp)
        #expect(network.trail.mark == 0, "the packet's own clone succeeded")
    }

    @Test func eachPacketClonesAfresh() throws {
        let configuration = F.defaultConfiguration(extraDevices: ["mirror"])
        let network = try TestNetwork(configuration, [
            F.attachment(Self.cloning(to: Self.ifindex("mirror", in: configuration)), at: .ingress, device: "in"),
        ])
        for _ in 0..<3 { network.send(Packet.ethernet(Packet.udp4())) }
        #expect(network.sink.transmitted(on: network.device("mirror")).count == 3)
        #expect(network.totals.generated == 3 && network.totals.generatedTransmitted == 3)
        #expect(network.totals.received == 3 && network.totals.transmitted == 3 && network.totals.addsUp)
    }
}
