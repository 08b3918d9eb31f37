import PacketBuffer
import Testing

/// Documentation/SkBuff.md, step by step: every offset the walkthrough shows is checked here, so
/// the document cannot drift from the code.
@Suite struct SkBuffWalkthroughTests {
    /// 60 bytes on the wire: Ethernet, IPv4 (total length 40), TCP SYN, 6 bytes of padding.
    static let frame: [UInt8] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,  // Ethernet
        0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,  // IPv4 ...
        0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,  // 10.0.0.1 -> 10.0.0.2
        0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  // TCP 12345 -> 80
        0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,  // SYN
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // padding to the 60-byte minimum
    ]

    /// (data, tail, end) as offsets from head.
    func geometry(_ skb: SkBuff) -> [Int] { [skb.headroom, skb.headroom + skb.length, skb.capacity] }

    @Test func receiveClassifyRouteAndTagOneFrame() throws {
        // 1. Receive (netdev_alloc_skb + skb_reserve + skb_put_data).
        let pool = SkBuffPool(bufferCount: 8)
        let skb = try #require(pool.allocate())
        #expect(geometry(skb) == [128, 128, 2176])
        #expect(Self.frame.withUnsafeBytes { skb.putData($0) })
        #expect(geometry(skb) == [128, 188, 2176] && skb.length == 60)
        skb.wireLength = 60

        // 2. eth_type_trans + __netif_receive_skb_core.
        let etherType = try #require(skb.getUInt16BE(at: 12))
        skb.resetMacHeader()
        skb.pull(14)
        skb.etherType = etherType
        skb.resetNetworkHeader()
        skb.resetMacLength()
        #expect(geometry(skb) == [142, 188, 2176])
        #expect(skb.macHeaderOffset == 128 && skb.networkHeaderOffset == 142 && skb.macLength == 14)
        #expect(skb.protocolBigEndian == UInt16(0x0800).bigEndian)

        // 3. tc ingress (cls_bpf): the program sees the frame from its MAC header.
        skb.push(skb.macLength)
        #expect(geometry(skb) == [128, 188, 2176] && skb.tail - skb.data == 60)
        #expect(skb.getUInt16BE(at: 12) == 0x0800)
        skb.pull(skb.macLength)

        // 4. ip_rcv_core: trim the padding to the IPv4 total length, find the transport header.
        let totalLength = try #require(skb.getUInt16BE(at: 2))
        skb.trim(to: Int(totalLength))
        skb.setTransportHeader(offsetFromData: 20)
        #expect(geometry(skb) == [142, 182, 2176] && skb.length == 40)
        #expect(skb.transportHeaderOffset == 162 && skb.getUInt16BE(at: 22) == 80)

        // 5. Forwarded: a new Ethernet header in front.
        let ethernet = skb.push(14)
        ethernet.copyMemory(from: Self.frame, byteCount: 14)
        skb.resetMacHeader()
        #expect(geometry(skb) == [128, 182, 2176] && skb.length == 54)

        // 6. bpf_skb_vlan_push: __vlan_insert_tag.
        #expect(skb.ensureHeadroom(4), "128 bytes of headroom: no reallocation")
        let start = skb.push(4)
        start.copyMemory(from: start + 4, byteCount: 12)  // addresses move to the front
        _ = skb.setUInt16BE(0x8100, at: 12)
        _ = skb.setUInt16BE(100, at: 14)  // VLAN 100
        skb.setMacHeader(offsetFromData: 0)
        #expect(geometry(skb) == [124, 182, 2176] && skb.length == 58)
        #expect(skb.macHeaderOffset == 124 && skb.networkHeaderOffset == 142 && skb.transportHeaderOffset == 162)
        #expect(Array(skb.byteArray[0..<18]) == Array(Self.frame[0..<12]) + [0x81, 0x00, 0x00, 100, 0x08, 0x00])
        #expect(Array(skb.byteArray[18...]) == Array(Self.frame[14..<54]))

        // 7. Done: back to the pool, reset.
        pool.release(skb)
        #expect(geometry(try #require(pool.allocate())) == [128, 128, 2176])
    }

    @Test func withTooLittleHeadroomTheTagReallocates() {
        let skb = SkBuff(capacity: 64, headroom: 2)
        _ = Self.frame.withUnsafeBytes { skb.putData($0) }
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: 14)
        let oldData = skb.data
        #expect(!skb.ensureHeadroom(4), "pskb_expand_head(skb, 2, 0)")
        #expect(geometry(skb) == [4, 64, 66])
        #expect(skb.macHeaderOffset == 4 && skb.networkHeaderOffset == 18)
        #expect(skb.data != oldData, "the old data pointer dangles: programs must reload")
        #expect(skb.byteArray == Self.frame)
    }
}
