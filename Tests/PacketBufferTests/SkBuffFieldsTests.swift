import PacketBuffer
import Testing

/// Metadata as the kernel stores it, header offsets, the control block, reset and copy.
@Suite struct SkBuffFieldsTests {
    /// Sets every metadata field to something other than its reset value.
    func fillEveryField(_ skb: SkBuff) {
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: 1)
        skb.setTransportHeader(offsetFromData: 2)
        skb.macLength = 1
        skb.isEncapsulated = true
        skb.setInnerMacHeader(offsetFromData: 0)
        skb.setInnerNetworkHeader(offsetFromData: 1)
        skb.setInnerTransportHeader(offsetFromData: 2)
        skb.innerProtocolBigEndian = 0x5865
        skb.etherType = 0x86dd
        skb.packetType = .otherHost
        skb.mark = 1
        skb.priority = 2
        skb.hash = 3
        skb.isSoftwareHash = true
        skb.isL4Hash = true
        skb.queueMapping = 4
        skb.vlanTag = (0x8100, 5)
        skb.tcIndex = 6
        skb.ingressIfindex = 7
        skb.ifindex = 8
        skb.timestamp = 9
        skb.timestampType = .monotonic
        skb.hardwareTimestamp = 10
        skb.gsoSize = 11
        skb.gsoSegments = 12
        skb.gsoType = 13
        if skb.headroom > 0 { skb.metaLength = 1 }
        skb.napiID = 300
        skb.checksumState = .partial
        skb.checksum = 14
        skb.checksumStart = 15
        skb.checksumOffset = 16
        skb.wireLength = 17
        skb.setProgramControlBlockWord(4, 18)
        skb.metadata.pointee.socket = UnsafeMutableRawPointer(bitPattern: 0x1000)  // only stored, never read here
    }

    @Test func everyFieldCanBeSetAndResetClearsThemAll() {
        let skb = SkBuff(capacity: 64, headroom: 8)
        skb.put(10)
        let fresh = metadataFields(SkBuff(capacity: 64, headroom: 8))
        fillEveryField(skb)
        let filled = metadataFields(skb)
        for (name, value) in fresh where name != "dataOffset" {
            #expect(filled[name] != value, "fillEveryField leaves \(name) at its reset value")
        }
        skb.reset(headroom: 8)
        #expect(metadataFields(skb) == fresh)
        #expect(skb.length == 0 && skb.headroom == 8 && skb.tailroom == 56)
    }

    @Test func protocolIsStoredInNetworkByteOrder() {
        let skb = SkBuff(capacity: 16)
        skb.etherType = 0x0800
        #expect(skb.protocolBigEndian == UInt16(0x0800).bigEndian)
        #expect(skb.metadata.pointee.protocolBigEndian == UInt16(0x0800).bigEndian)
        withUnsafeBytes(of: skb.protocolBigEndian) { #expect(Array($0) == [0x08, 0x00]) }
        skb.protocolBigEndian = UInt16(0x86dd).bigEndian
        #expect(skb.etherType == 0x86dd)
    }

    @Test func vlanTagIsPresentWhenProtoOrTCIIsSet() {
        let skb = SkBuff(capacity: 16)
        #expect(!skb.vlanPresent && skb.vlanTag == nil)
        skb.vlanTCI = 1
        #expect(skb.vlanPresent && skb.vlanTag?.tci == 1 && skb.vlanTag?.protocol == 0)
        skb.vlanTCI = 0
        skb.vlanProto = 0x88a8
        #expect(skb.vlanPresent && skb.vlanProtoBigEndian == UInt16(0x88a8).bigEndian)
        skb.vlanTag = (0x8100, 42)
        #expect(skb.vlanTag?.protocol == 0x8100 && skb.vlanTag?.tci == 42)
        skb.vlanTag = nil
        #expect(!skb.vlanPresent && skb.vlanProtoBigEndian == 0 && skb.vlanTCI == 0)
    }

    @Test func enumeratedFieldsReadEveryStoredValue() {
        let skb = SkBuff(capacity: 16)
        for raw in UInt8(0)...7 {
            skb.metadata.pointee.packetType = raw
            #expect(skb.packetType.rawValue == raw)
        }
        #expect(PacketType.allCases.map(\.rawValue) == Array(0...7))
        for state in ChecksumState.allCases {
            skb.checksumState = state
            #expect(skb.checksumState == state && skb.metadata.pointee.checksumState == state.rawValue)
        }
        for type in TimestampType.allCases {
            skb.timestampType = type
            #expect(skb.timestampType == type)
        }
        skb.metadata.pointee.timestampType = 3
        #expect(skb.timestampType == .realtime)
    }

    @Test func metadataSitsRightInFrontOfData() {
        let skb = SkBuff(capacity: 32, headroom: 8)
        skb.put(4)
        skb.metaLength = 4
        #expect(skb.dataMeta == skb.data - 4)
        skb.pull(2)
        #expect(skb.metaLength == 4 && skb.dataMeta == skb.data - 4, "pull keeps it")
        skb.push(2)
        skb.push(4)
        #expect(skb.metaLength == 4 && skb.headroom == 4)
        skb.push(1)
        #expect(skb.metaLength == 0 && skb.dataMeta == skb.data, "data_meta never points before head")
    }

    // MARK: Header offsets

    @Test(arguments: Layout.all)
    func headerOffsetsAreKeptFromHeadAndReportedFromData(_ layout: Layout) {
        let skb = layout.make()
        #expect(!skb.macHeaderWasSet && !skb.transportHeaderWasSet && skb.macHeaderLength == nil)
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: layout.length)
        skb.resetTransportHeader()
        #expect(skb.macHeaderWasSet && skb.transportHeaderWasSet)
        #expect(skb.macHeaderOffset == layout.headroom && skb.networkHeaderOffset == layout.headroom + layout.length)
        #expect(skb.macHeaderLength == layout.length)
        #expect(skb.networkHeaderLength == -layout.length)
        skb.resetMacLength()
        #expect(skb.macLength == layout.length)
        if skb.pull(layout.length) != nil {
            #expect(skb.macHeaderOffsetFromData == -layout.length && skb.networkHeaderOffsetFromData == 0)
            skb.resetNetworkHeader()
            #expect(skb.macHeaderLength == layout.length)
        }
        if skb.tryPush(skb.headroom) != nil {
            skb.setMacHeader(offsetFromData: 0)
            #expect(skb.macHeaderOffset == 0)
        }
        skb.unsetMacHeader()
        #expect(skb.macHeaderOffset == nil && skb.macHeaderOffsetFromData == nil && !skb.macHeaderWasSet)
        skb.resetMacLength()
        #expect(skb.macLength == 0, "skb_reset_mac_len without a MAC header")
    }

    @Test func innerHeadersCopyTheOuterOnes() {
        let skb = Layout(headroom: 4, length: 40, tailroom: 0).make()
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: 14)
        skb.setTransportHeader(offsetFromData: 34)
        skb.resetInnerHeaders()
        #expect(
            skb.innerMacHeaderOffset == 4 && skb.innerNetworkHeaderOffset == 18 && skb.innerTransportHeaderOffset == 38)
        skb.push(4)
        #expect(skb.innerNetworkHeaderOffsetFromData == 18 && skb.innerMacHeaderOffsetFromData == 4)
        #expect(skb.innerTransportHeaderOffsetFromData == 38)
    }

    @Test func unsetOffsetIsTheKernelsAllOnes() {
        #expect(SkBuff.unsetOffset == ~0)
        #expect(SkBuff(capacity: 8).metadata.pointee.macHeaderOffset == ~0)
    }

    // MARK: Control block

    @Test func controlBlockHasTheQdiscLayout() {
        let skb = SkBuff(capacity: 8)
        skb.wireLength = 0x0102_0304
        skb.tcClassID = 0x0506
        for i in 0..<5 { skb.setProgramControlBlockWord(i, UInt32(0x10 + i)) }
        let raw = Array(UnsafeRawBufferPointer(start: skb.controlBlock, count: SkBuff.ControlBlockLayout.byteCount))
        #expect(raw.count == 48)
        #expect(Array(raw[0..<4]) == Array(withUnsafeBytes(of: UInt32(0x0102_0304)) { Array($0) }))
        #expect(Array(raw[4..<6]) == [0, 0], "slave_dev_queue_mapping")
        #expect(Array(raw[6..<8]) == Array(withUnsafeBytes(of: UInt16(0x0506)) { Array($0) }))
        for i in 0..<5 {
            #expect(Array(raw[8 + 4 * i..<12 + 4 * i]) == Array(withUnsafeBytes(of: UInt32(0x10 + i)) { Array($0) }))
        }
        #expect(raw[28...].allSatisfy { $0 == 0 })
        #expect(skb.wireLength == 0x0102_0304 && skb.tcClassID == 0x0506)
        #expect((0..<5).map(skb.programControlBlockWord) == [0x10, 0x11, 0x12, 0x13, 0x14])
        // A program's 8-byte access at cb[0] and cb[2] spans two words.
        #expect(skb.programControlBlock.load(fromByteOffset: 0, as: UInt64.self) == 0x11 << 32 | 0x10)
        #expect(skb.programControlBlock.load(fromByteOffset: 8, as: UInt64.self) == 0x13 << 32 | 0x12)
        #expect(Int(bitPattern: skb.programControlBlock) % 8 == 0, "8-byte cb loads are aligned")
        skb.clearControlBlock()
        #expect(skb.wireLength == 0 && skb.tcClassID == 0 && skb.programControlBlockWord(4) == 0)
    }

    // MARK: Copy

    @Test(arguments: Layout.all)
    func copyIntoIsDeepAndIndependent(_ layout: Layout) {
        let source = layout.make()
        fillEveryField(source)
        let target = SkBuff(capacity: layout.capacity + 3, headroom: 1)
        #expect(source.copy(into: target))
        #expect(metadataFields(target) == metadataFields(source))
        #expect(target.byteArray == layout.packet && target.headroom == layout.headroom)
        #expect(target.tailroom == layout.tailroom + 3 && target.capacity == layout.capacity + 3)
        #expect(
            Array(UnsafeRawBufferPointer(start: target.head, count: layout.headroom))
                == Array(UnsafeRawBufferPointer(start: source.head, count: layout.headroom)))
        #expect(target.head != source.head)
        _ = target.setUInt8(0, at: 0)
        target.mark = 99
        target.setProgramControlBlockWord(0, 99)
        #expect(source.byteArray == layout.packet && source.mark == 1 && source.programControlBlockWord(0) == 0)
    }

    @Test(arguments: Layout.all)
    func copyIntoRefusesATooSmallBuffer(_ layout: Layout) {
        let source = layout.make()
        let span = layout.headroom + layout.length
        #expect(source.copyFits(capacity: span) && !source.copyFits(capacity: span - 1))
        guard span > 0 else { return }
        let target = SkBuff(capacity: span - 1)
        target.mark = 5
        #expect(!source.copy(into: target))
        #expect(target.mark == 5 && target.length == 0, "a refused copy changes nothing")
        #expect(source.copy(into: source), "a copy into itself is a no-op")
        #expect(source.byteArray == layout.packet)
    }
}
