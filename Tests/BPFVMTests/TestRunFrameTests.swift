import BPFABI
import BPFVM
import PacketBuffer
import Testing

/// The socket buffer a test run builds, against what the kernel's BPF_PROG_TEST_RUN gives a
/// program (measured: ../shared/reference/sk_buff_ctx.md, "What BPF_PROG_TEST_RUN gives").
@Suite struct TestRunFrameTests {
    /// Ethernet (dst 02:..:02, src 02:..:01, IPv4) + 40 bytes.
    let frame: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + [UInt8](repeating: 0x45, count: 40)

    @Test func trafficControlSeesTheEthernetHeader() throws {
        let skb = SkBuff(capacity: 256)
        try TestRunFrame.prepare(skb, frame: frame, type: .schedCls, context: TestRunContext())
        #expect(skb.length == 54)
        #expect(skb.byteArray == frame)
        #expect(skb.protocolBigEndian == 0x0008)           // htons(ETH_P_IP) as a little-endian u16
        #expect(skb.packetType == .otherHost)              // dst MAC is not loopback's 00:00:00:00:00:00
        #expect(skb.ifindex == 1)
        #expect(skb.wireLength == 54)
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == 14)
        #expect(TestRunFrame.dataOut(skb, type: .schedCls) == frame)
    }

    @Test func socketFilterSeesTheNetworkHeaderAndGetsZeroedMACBack() throws {
        let skb = SkBuff(capacity: 256)
        try TestRunFrame.prepare(skb, frame: frame, type: .socketFilter, context: TestRunContext())
        #expect(skb.length == 40)
        #expect(skb.getUInt8(at: 0) == 0x45)
        let out = TestRunFrame.dataOut(skb, type: .socketFilter)
        #expect(out == [UInt8](repeating: 0, count: 14) + frame[14...])
    }

    @Test func contextInIsApplied() throws {
        var context = TestRunContext()
        context.mark = 7
        context.priority = 3
        context.cb = [1, 2, 3, 4, 5]
        context.wireLength = 100
        let skb = SkBuff(capacity: 256)
        try TestRunFrame.prepare(skb, frame: frame, type: .schedCls, context: context)
        #expect(skb.mark == 7 && skb.priority == 3 && skb.wireLength == 100)
        #expect((0..<5).map { skb.programControlBlockWord($0) } == [1, 2, 3, 4, 5])
    }

    @Test func packetTypeFollowsTheDestination() throws {
        let skb = SkBuff(capacity: 256)
        var broadcast = frame
        for i in 0..<6 { broadcast[i] = 0xff }
        try TestRunFrame.prepare(skb, frame: broadcast, type: .schedCls, context: TestRunContext())
        #expect(skb.packetType == .multicast)  // lo's broadcast address is all zeros
        var multicast = frame
        multicast[0] = 0x01
        try TestRunFrame.prepare(skb, frame: multicast, type: .schedCls, context: TestRunContext())
        #expect(skb.packetType == .multicast)
        var host = frame
        for i in 0..<6 { host[i] = 0 }
        try TestRunFrame.prepare(skb, frame: host, type: .schedCls, context: TestRunContext())
        #expect(skb.packetType == .host)
    }

    @Test func refusesWhatTheKernelRefuses() {
        let skb = SkBuff(capacity: 256)
        #expect(throws: TestRunInputError.self) {
            try TestRunFrame.prepare(skb, frame: [1, 2, 3], type: .schedCls, context: TestRunContext())
        }
        var short = TestRunContext()
        short.wireLength = 10
        #expect(throws: TestRunInputError.self) {
            try TestRunFrame.prepare(skb, frame: self.frame, type: .schedCls, context: short)
        }
        #expect(throws: TestRunInputError.self) {
            try TestRunFrame.prepare(SkBuff(capacity: 32), frame: self.frame, type: .schedCls, context: TestRunContext())
        }
    }
}
