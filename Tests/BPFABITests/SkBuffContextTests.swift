import BPFABI
import Testing

@Suite struct SkBuffContextTests {
    @Test func fieldsTileTheStruct() {
        #expect(SkBuffContext.byteCount == 192)
        var next = 0
        for field in SkBuffContext.Field.allCases {
            #expect(field.offset == next, "\(field)")
            next = field.range.upperBound
        }
        #expect(next == 192)
        for offset in 0..<192 {
            let field = SkBuffContext.Field(containing: offset)
            #expect(field?.range.contains(offset) == true)
        }
        #expect(SkBuffContext.Field(containing: -1) == nil)
        #expect(SkBuffContext.Field(containing: 192) == nil)
    }

    @Test func uapiRows() {
        let rows = SkBuffContext.fields
        #expect(rows.count == 45)
        #expect(rows.map(\.byteCount).reduce(0, +) == 192)
        var next = 0
        for row in rows {
            #expect(row.offset == next, "\(row)")
            next += row.byteCount
        }
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
        #expect(byName["cb[2]"]?.offset == 56)
        #expect(byName["cb[2]"]?.field == .cb)
        #expect(byName["remote_ip6[3]"]?.offset == 112)
        #expect(byName["local_ip6[0]"]?.offset == 116)
        #expect(byName["tstamp_type"]?.byteCount == 1)
        #expect(byName["__pad"]?.offset == 181)
    }

    /// Offsets of the uapi header (include/uapi/linux/bpf.h, struct __sk_buff).
    @Test(arguments: [
        (SkBuffContext.Field.len, 0, 4), (.pktType, 4, 4), (.mark, 8, 4), (.queueMapping, 12, 4), (.protocol, 16, 4),
        (.vlanPresent, 20, 4), (.vlanTCI, 24, 4), (.vlanProto, 28, 4), (.priority, 32, 4), (.ingressIfindex, 36, 4),
        (.ifindex, 40, 4), (.tcIndex, 44, 4), (.cb, 48, 20), (.hash, 68, 4), (.tcClassid, 72, 4), (.data, 76, 4),
        (.dataEnd, 80, 4), (.napiID, 84, 4), (.family, 88, 4), (.remoteIP4, 92, 4), (.localIP4, 96, 4),
        (.remoteIP6, 100, 16), (.localIP6, 116, 16), (.remotePort, 132, 4), (.localPort, 136, 4), (.dataMeta, 140, 4),
        (.flowKeys, 144, 8), (.tstamp, 152, 8), (.wireLen, 160, 4), (.gsoSegs, 164, 4), (.sk, 168, 8),
        (.gsoSize, 176, 4), (.tstampType, 180, 1), (.padding, 181, 3), (.hwtstamp, 184, 8),
    ])
    func layout(_ field: SkBuffContext.Field, offset: Int, byteCount: Int) {
        #expect(field.offset == offset)
        #expect(field.byteCount == byteCount)
    }

    @Test func kernelValueWidths() {
        #expect(SkBuffContext.Field.mark.valueByteCount == 4)
        #expect(SkBuffContext.Field.protocol.valueByteCount == 2)
        #expect(SkBuffContext.Field.tcIndex.valueByteCount == 2)
        #expect(SkBuffContext.Field.pktType.valueByteCount == 1)
        #expect(SkBuffContext.Field.tstamp.valueByteCount == 8)
        #expect(SkBuffContext.Field.vlanTCI.name == "vlan_tci")
        #expect(SkBuffContext.Field.napiID.name == "napi_id")
    }
}
