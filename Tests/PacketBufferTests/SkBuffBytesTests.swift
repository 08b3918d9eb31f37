import PacketBuffer
import Testing

/// get/set at offsets from `data`: nil/false exactly when any byte would fall outside the packet,
/// nothing written then, the right byte order, and the copy-in paths.
@Suite struct SkBuffBytesTests {
    /// Packets of 0...9 bytes with 0...2 bytes of room either side, so 8-byte accesses reach
    /// both edges.
    static let layouts: [Layout] = (0...2).flatMap { h in
        (0...9).map { l in Layout(headroom: h, length: l, tailroom: 2 - h) }
    }

    func inside(_ offset: Int, _ size: Int, _ length: Int) -> Bool { offset >= 0 && offset + size <= length }

    @Test(arguments: layouts)
    func gettersAnswerNilExactlyOutsideThePacket(_ layout: Layout) {
        let skb = layout.make()
        let packet = layout.packet
        func be(_ offset: Int, _ size: Int) -> UInt64 {
            packet[offset..<offset + size].reduce(0) { $0 << 8 | UInt64($1) }
        }
        for offset in -2...(layout.length + 1) {
            let fits1 = inside(offset, 1, layout.length)
            let fits2 = inside(offset, 2, layout.length)
            let fits4 = inside(offset, 4, layout.length)
            let fits8 = inside(offset, 8, layout.length)
            #expect(skb.getUInt8(at: offset) == (fits1 ? packet[offset] : nil))
            #expect(skb.getUInt16BE(at: offset) == (fits2 ? UInt16(be(offset, 2)) : nil))
            #expect(skb.getUInt32BE(at: offset) == (fits4 ? UInt32(be(offset, 4)) : nil))
            #expect(skb.getUInt64BE(at: offset) == (fits8 ? be(offset, 8) : nil))
            #expect(skb.getUInt16(at: offset) == (fits2 ? UInt16(be(offset, 2)).byteSwapped : nil))
            #expect(skb.getUInt32(at: offset) == (fits4 ? UInt32(be(offset, 4)).byteSwapped : nil))
            #expect(skb.getUInt64(at: offset) == (fits8 ? be(offset, 8).byteSwapped : nil))
            for size in 0...9 {
                #expect(skb.contains(offset: offset, size: size) == inside(offset, size, layout.length))
            }
        }
    }

    @Test(arguments: layouts)
    func settersWriteInsideAndNothingOutside(_ layout: Layout) {
        for offset in -2...(layout.length + 1) {
            for size in [1, 2, 4, 8] {
                for bigEndian in [false, true] {
                    let skb = layout.make()
                    let before = Model(skb).buffer
                    let written: Bool
                    switch (size, bigEndian) {
                    case (1, _): written = skb.setUInt8(0x5a, at: offset)
                    case (2, false): written = skb.setUInt16(0x0102, at: offset)
                    case (2, true): written = skb.setUInt16BE(0x0102, at: offset)
                    case (4, false): written = skb.setUInt32(0x0102_0304, at: offset)
                    case (4, true): written = skb.setUInt32BE(0x0102_0304, at: offset)
                    case (8, false): written = skb.setUInt64(0x0102_0304_0506_0708, at: offset)
                    default: written = skb.setUInt64BE(0x0102_0304_0506_0708, at: offset)
                    }
                    let fits = inside(offset, size, layout.length)
                    #expect(written == fits, "set size \(size) at \(offset)")
                    var expected = before
                    if fits {
                        let bytes: [UInt8] = size == 1 ? [0x5a] : (1...size).map { UInt8($0) }
                        let ordered = bigEndian || size == 1 ? bytes : bytes.reversed()
                        expected.replaceSubrange(
                            layout.headroom + offset..<layout.headroom + offset + size, with: ordered)
                    }
                    #expect(Model(skb).buffer == expected, "size \(size) at \(offset), big-endian \(bigEndian)")
                }
            }
        }
    }

    @Test func bigEndianRoundTripsAtBothEdges() {
        let skb = SkBuff(capacity: 16, headroom: 2)
        skb.put(8)
        #expect(skb.setUInt16BE(0x0800, at: 0) && skb.getUInt16BE(at: 0) == 0x0800)
        #expect(skb.byteArray.prefix(2) == [0x08, 0x00])
        #expect(skb.getUInt16(at: 0) == UInt16(0x0800).bigEndian)
        #expect(skb.setUInt32BE(0x0a00_0001, at: 4) && skb.byteArray.suffix(4) == [0x0a, 0x00, 0x00, 0x01])
        #expect(skb.getUInt32BE(at: 4) == 0x0a00_0001)
        #expect(skb.setUInt64BE(0x1122_3344_5566_7788, at: 0) && skb.getUInt64BE(at: 0) == 0x1122_3344_5566_7788)
        #expect(skb.byteArray == [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        #expect(skb.getUInt32BE(at: 5) == nil && skb.setUInt32BE(1, at: 5) == false)
        #expect(skb.getUInt64BE(at: 1) == nil && skb.setUInt64(1, at: 1) == false)
    }

    @Test func rangeCheckNeverOverflows() {
        let skb = Layout(headroom: 1, length: 3, tailroom: 1).make()
        for (offset, size) in [(Int.max, 1), (1, Int.max), (Int.min, 4), (2, Int.min), (Int.max, Int.max), (-1, 2)] {
            #expect(!skb.contains(offset: offset, size: size))
            #expect(!skb.copyBytes(at: offset, count: size, into: skb.head))
        }
        #expect(skb.getUInt8(at: Int.max) == nil && skb.getUInt64(at: Int.min) == nil)
    }

    @Test(arguments: Layout.all)
    func copyBytesAndWriteBytesStayInsideThePacket(_ layout: Layout) {
        for offset in -1...(layout.length + 1) {
            for count in 0...4 {
                let skb = layout.make()
                var out = [UInt8](repeating: 0xff, count: 4)
                let fits = inside(offset, count, layout.length)
                #expect(
                    out.withUnsafeMutableBytes { skb.copyBytes(at: offset, count: count, into: $0.baseAddress!) }
                        == fits)
                if fits { #expect(Array(out.prefix(count)) == Array(layout.packet[offset..<offset + count])) }
                let before = Model(skb).buffer
                let patch = [UInt8](repeating: 0x77, count: count)
                #expect(patch.withUnsafeBytes { skb.writeBytes($0, at: offset) } == fits)
                var expected = before
                if fits {
                    expected.replaceSubrange(layout.headroom + offset..<layout.headroom + offset + count, with: patch)
                }
                #expect(Model(skb).buffer == expected && skb.length == layout.length)
            }
        }
    }

    @Test(arguments: Layout.all)
    func putDataAppendsOrRefusesWhole(_ layout: Layout) {
        for count in 0...4 {
            let skb = layout.make()
            let extra = (0..<count).map { UInt8(0x10 + $0) }
            let fits = count <= layout.tailroom
            #expect(extra.withUnsafeBytes { skb.putData($0) } == fits)
            #expect(skb.byteArray == layout.packet + (fits ? extra : []))
            skb.checkInvariants()
        }
    }

    @Test func loadResetsThenCopiesOrLeavesTheBufferEmpty() {
        let skb = SkBuff(capacity: 8, headroom: 1)
        skb.put(3)
        skb.mark = 9
        let frame: [UInt8] = [1, 2, 3, 4, 5]
        #expect(frame.withUnsafeBytes { skb.load($0, headroom: 3) })
        #expect(skb.byteArray == frame && skb.headroom == 3 && skb.tailroom == 0 && skb.mark == 0)
        let big = [UInt8](repeating: 1, count: 9)
        #expect(!big.withUnsafeBytes { skb.load($0, headroom: 0) })
        #expect(skb.length == 0 && skb.headroom == 0)
        #expect([UInt8]().withUnsafeBytes { skb.load($0, headroom: 8) })
        #expect(skb.length == 0 && skb.headroom == 8)
    }
}
