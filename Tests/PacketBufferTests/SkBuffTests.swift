import PacketBuffer
import Testing

/// Every operation over every small layout (headroom, length, tailroom each 0...3), with the
/// refusals at the edges, in the manner of swift-collections' `withEvery`.
@Suite struct SkBuffTests {
    struct Layout: CustomStringConvertible, Sendable {
        var headroom: Int, length: Int, tailroom: Int
        var description: String { "h\(headroom) l\(length) t\(tailroom)" }
    }

    static let layouts: [Layout] = (0...3).flatMap { h in (0...3).flatMap { l in (0...3).map { t in Layout(headroom: h, length: l, tailroom: t) } } }

    /// A buffer with the layout, packet bytes 1, 2, 3…
    func make(_ layout: Layout) -> SkBuff {
        let skb = SkBuff(capacity: layout.headroom + layout.length + layout.tailroom, headroom: layout.headroom)
        let p = skb.put(layout.length)
        for i in 0..<layout.length { p.storeBytes(of: UInt8(i + 1), toByteOffset: i, as: UInt8.self) }
        return skb
    }

    func checkInvariants(_ skb: SkBuff) {
        #expect(skb.headroom >= 0 && skb.tailroom >= 0 && skb.length >= 0)
        #expect(skb.headroom + skb.length + skb.tailroom == skb.capacity)
        #expect(skb.data == skb.head + skb.headroom)
        #expect(skb.tail == skb.data + skb.length)
    }

    @Test(arguments: layouts) func layoutIsAsBuilt(_ layout: Layout) {
        let skb = make(layout)
        checkInvariants(skb)
        #expect(skb.headroom == layout.headroom)
        #expect(skb.length == layout.length)
        #expect(skb.tailroom == layout.tailroom)
        #expect(skb.byteArray == (0..<layout.length).map { UInt8($0 + 1) })
    }

    @Test(arguments: layouts) func pushWithinHeadroomAndRefusalBeyond(_ layout: Layout) {
        for n in 0...4 {
            let skb = make(layout)
            let result = skb.tryPush(n)
            checkInvariants(skb)
            if n <= layout.headroom {
                #expect(result == skb.data)
                #expect(skb.length == layout.length + n)
                #expect(Array(skb.byteArray.suffix(layout.length)) == (0..<layout.length).map { UInt8($0 + 1) })
            } else {
                #expect(result == nil)
                #expect(skb.length == layout.length && skb.headroom == layout.headroom)
            }
        }
    }

    @Test(arguments: layouts) func pullWithinLengthAndRefusalBeyond(_ layout: Layout) {
        for n in 0...4 {
            let skb = make(layout)
            let result = skb.pull(n)
            checkInvariants(skb)
            if n <= layout.length {
                #expect(result == skb.data)
                #expect(skb.byteArray == (n..<layout.length).map { UInt8($0 + 1) })
                #expect(skb.headroom == layout.headroom + n)
            } else {
                #expect(result == nil)
                #expect(skb.length == layout.length)
            }
        }
    }

    @Test(arguments: layouts) func putWithinTailroomAndRefusalBeyond(_ layout: Layout) {
        for n in 0...4 {
            let skb = make(layout)
            let oldTail = skb.tail
            let result = skb.tryPut(n)
            checkInvariants(skb)
            if n <= layout.tailroom {
                #expect(result == oldTail)
                #expect(skb.length == layout.length + n)
            } else {
                #expect(result == nil)
                #expect(skb.length == layout.length)
            }
        }
    }

    @Test(arguments: layouts) func trimShortensOnly(_ layout: Layout) {
        for n in 0...4 {
            let skb = make(layout)
            skb.trim(to: n)
            checkInvariants(skb)
            #expect(skb.length == min(n, layout.length))
            #expect(skb.byteArray == (0..<min(n, layout.length)).map { UInt8($0 + 1) })
            #expect(skb.headroom == layout.headroom)
        }
    }

    @Test(arguments: layouts) func expandHeadKeepsBytesAndHeaderOffsets(_ layout: Layout) {
        let skb = make(layout)
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: min(1, layout.length))
        skb.mark = 7
        skb.expandHead(headroom: layout.headroom + 5, tailroom: layout.tailroom + 3)
        checkInvariants(skb)
        #expect(skb.headroom == layout.headroom + 5)
        #expect(skb.tailroom == layout.tailroom + 3)
        #expect(skb.byteArray == (0..<layout.length).map { UInt8($0 + 1) })
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == min(1, layout.length))
        #expect(skb.transportHeaderOffsetFromData == nil)
        #expect(skb.mark == 7)
    }

    @Test(arguments: layouts) func ensureRoomOnlyGrowsWhenNeeded(_ layout: Layout) {
        let skb = make(layout)
        #expect(skb.ensureHeadroom(layout.headroom) == true)
        #expect(skb.ensureTailroom(layout.tailroom) == true)
        #expect(skb.ensureHeadroom(layout.headroom + 1) == false)
        #expect(skb.headroom >= layout.headroom + 1)
        #expect(skb.ensureTailroom(layout.tailroom + 2) == false)
        #expect(skb.tailroom >= layout.tailroom + 2)
        #expect(skb.byteArray == (0..<layout.length).map { UInt8($0 + 1) })
    }

    @Test(arguments: layouts) func headerOffsetsFollowPushAndPull(_ layout: Layout) {
        let skb = make(layout)
        skb.resetNetworkHeader()
        if skb.tryPush(layout.headroom) != nil {
            skb.resetMacHeader()
            #expect(skb.macHeaderLength == layout.headroom)
            #expect(skb.networkHeaderOffsetFromData == layout.headroom)
            _ = skb.pull(layout.headroom)
            #expect(skb.networkHeaderOffsetFromData == 0)
            #expect(skb.macHeaderOffsetFromData == -layout.headroom)
        }
    }

    @Test(arguments: layouts) func byteAccessorsRespectTheEdges(_ layout: Layout) {
        let skb = make(layout)
        for offset in -1...4 {
            #expect((skb.getUInt8(at: offset) != nil) == (offset >= 0 && offset < layout.length))
            #expect((skb.getUInt16BE(at: offset) != nil) == (offset >= 0 && offset + 2 <= layout.length))
            #expect((skb.getUInt32BE(at: offset) != nil) == (offset >= 0 && offset + 4 <= layout.length))
            #expect(skb.setUInt8(0xee, at: offset) == (offset >= 0 && offset < layout.length))
        }
    }

    @Test func bigEndianAccessors() {
        let skb = SkBuff(capacity: 16, headroom: 2)
        skb.put(6)
        #expect(skb.setUInt16BE(0x0800, at: 0))
        #expect(skb.setUInt32BE(0x0a00_0001, at: 2))
        #expect(skb.byteArray == [0x08, 0x00, 0x0a, 0x00, 0x00, 0x01])
        #expect(skb.getUInt16BE(at: 0) == 0x0800)
        #expect(skb.getUInt32BE(at: 2) == 0x0a00_0001)
        #expect(skb.getUInt16(at: 0) == 0x0008)
    }

    @Test func reserveOnlyOnEmptyBuffer() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 8)
            skb.put(1)
            skb.reserve(headroom: 1)
        }
    }

    @Test func pushPastHeadroomTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 64, headroom: 2)
            skb.push(14)
        }
    }

    @Test func putPastTailroomTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 4)
            skb.put(5)
        }
    }

    @Test func metadataFieldsAndControlBlock() {
        let skb = SkBuff(capacity: 64, headroom: 16)
        skb.etherType = 0x0800
        #expect(skb.protocolBigEndian == 0x0008)
        skb.vlanTag = (0x8100, 42)
        #expect(skb.vlanTag?.protocol == 0x8100 && skb.vlanTag?.tci == 42)
        skb.vlanTag = nil
        #expect(skb.vlanTag == nil)
        skb.wireLength = 1514
        skb.tcClassID = 0x1234
        for i in 0..<5 { skb.setProgramControlBlockWord(i, UInt32(100 + i)) }
        #expect(skb.wireLength == 1514)
        #expect(skb.tcClassID == 0x1234)
        #expect((0..<5).map { skb.programControlBlockWord($0) } == [100, 101, 102, 103, 104])
        skb.packetType = .otherHost
        #expect(skb.metadata.pointee.packetType == 3)
    }

    @Test func resetClearsEverything() {
        let skb = SkBuff(capacity: 64, headroom: 8)
        skb.put(10)
        skb.mark = 9
        skb.wireLength = 10
        skb.resetMacHeader()
        skb.reset(headroom: 4)
        #expect(skb.length == 0 && skb.headroom == 4 && skb.mark == 0 && skb.wireLength == 0)
        #expect(skb.macHeaderOffsetFromData == nil)
    }

    @Test func copyIsIndependent() {
        let a = SkBuff(capacity: 32, headroom: 4)
        let bytes: [UInt8] = [1, 2, 3, 4, 5]
        bytes.withUnsafeBytes { _ = a.load($0, headroom: 4) }
        a.mark = 5
        a.resetNetworkHeader()
        let b = SkBuff(capacity: 32)
        #expect(a.copy(into: b))
        #expect(b.byteArray == bytes && b.mark == 5 && b.headroom == 4 && b.networkHeaderOffsetFromData == 0)
        b.setUInt8(99, at: 0)
        b.mark = 6
        #expect(a.byteArray == bytes && a.mark == 5)
        #expect(!a.copy(into: SkBuff(capacity: 4)))
    }

    @Test func loadRefusesOversizedPackets() {
        let skb = SkBuff(capacity: 8)
        let big = [UInt8](repeating: 1, count: 9)
        #expect(!big.withUnsafeBytes { skb.load($0, headroom: 0) })
        #expect(skb.length == 0)
    }
}

@Suite struct SkBuffPoolTests {
    @Test func allocatesUpToItsSizeThenCountsRefusals() {
        let pool = SkBuffPool(bufferCount: 2, bufferCapacity: 64, headroom: 16)
        let a = pool.allocate(), b = pool.allocate()
        #expect(a != nil && b != nil && a !== b)
        #expect(pool.allocate() == nil)
        #expect(pool.exhaustedCount == 1)
        #expect(pool.availableCount == 0)
    }

    @Test func releasedBuffersComeBackReset() throws {
        let pool = SkBuffPool(bufferCount: 1, bufferCapacity: 64, headroom: 16)
        let skb = try #require(pool.allocate())
        skb.put(20)
        skb.mark = 3
        pool.release(skb)
        let again = try #require(pool.allocate())
        #expect(again === skb)
        #expect(again.length == 0 && again.headroom == 16 && again.mark == 0)
    }
}
