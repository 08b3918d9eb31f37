import PacketBuffer
import Testing

/// Every geometry operation over every small layout (headroom, length, tailroom each 0...3) and
/// every size 0...4 plus a negative one, compared with ``Model`` — geometry, all bytes from head
/// to end, header offsets — including the refusals at the edges.
@Suite struct SkBuffGeometryTests {
    static let sizes = Array(-1...4)

    /// A buffer in `layout` with its MAC header at data, network header one byte in (or at
    /// data), transport header unset, and a PARTIAL checksum starting at the network header.
    func prepared(_ layout: Layout) -> SkBuff {
        let skb = layout.make()
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: min(1, layout.length))
        skb.checksumState = .partial
        skb.checksumStart = UInt16(skb.networkHeaderOffset ?? 0)
        skb.mark = 0x5eed
        return skb
    }

    func expectMatches(
        _ skb: SkBuff, _ model: Model, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        skb.checkInvariants()
        #expect(Model(skb) == model, comment, sourceLocation: sourceLocation)
        #expect(skb.headroom + skb.length + skb.tailroom == skb.capacity, comment, sourceLocation: sourceLocation)
        #expect(skb.data == skb.head + skb.headroom, comment, sourceLocation: sourceLocation)
        #expect(skb.tail == skb.data + skb.length, comment, sourceLocation: sourceLocation)
        #expect(skb.end == skb.tail + skb.tailroom, comment, sourceLocation: sourceLocation)
        #expect(skb.dataMeta == skb.data - skb.metaLength, comment, sourceLocation: sourceLocation)
        #expect(skb.byteArray == model.packet, comment, sourceLocation: sourceLocation)
        #expect(Array(skb.bytes) == model.packet, comment, sourceLocation: sourceLocation)
        #expect(skb.mark == 0x5eed, comment, sourceLocation: sourceLocation)
    }

    @Test(arguments: Layout.all)
    func layoutIsAsBuilt(_ layout: Layout) {
        let skb = layout.make()
        skb.checkInvariants()
        #expect(skb.headroom == layout.headroom && skb.length == layout.length && skb.tailroom == layout.tailroom)
        #expect(skb.capacity == layout.capacity)
        #expect(skb.byteArray == layout.packet)
        #expect(skb.macHeaderOffset == nil && skb.networkHeaderOffset == nil && skb.transportHeaderOffset == nil)
    }

    @Test(arguments: Layout.all)
    func pushPrependsWithinTheHeadroomAndRefusesBeyond(_ layout: Layout) {
        for n in Self.sizes {
            let skb = prepared(layout)
            var model = Model(skb)
            let oldData = skb.data
            let accepted = model.push(n)
            let result = skb.tryPush(n)
            expectMatches(skb, model, "tryPush(\(n))")
            if accepted {
                #expect(result == skb.data && skb.data == oldData - n)
                #expect(skb.length == layout.length + n && skb.headroom == layout.headroom - n)
                // The old packet follows the n pushed bytes, in order.
                #expect(Array(skb.byteArray.suffix(layout.length)) == layout.packet)
            } else {
                #expect(result == nil, "tryPush(\(n)) past headroom \(layout.headroom)")
            }
            #expect(accepted == (n >= 0 && n <= layout.headroom))
        }
    }

    @Test(arguments: Layout.all)
    func trappingPushAgreesWithinTheHeadroom(_ layout: Layout) {
        for n in 0...layout.headroom {
            let skb = prepared(layout)
            var model = Model(skb)
            let accepted = model.push(n)
            #expect(accepted)
            #expect(skb.push(n) == skb.data)
            expectMatches(skb, model, "push(\(n))")
        }
    }

    @Test(arguments: Layout.all)
    func pullStripsWithinTheLengthAndReturnsNilBeyond(_ layout: Layout) {
        for n in Self.sizes {
            let skb = prepared(layout)
            var model = Model(skb)
            let oldData = skb.data
            let accepted = model.pull(n)
            let result = skb.pull(n)
            expectMatches(skb, model, "pull(\(n))")
            if accepted {
                #expect(result == skb.data && skb.data == oldData + n)
                #expect(skb.byteArray == Array(layout.packet.dropFirst(n)))
                #expect(skb.headroom == layout.headroom + n)
            } else {
                #expect(result == nil, "pull(\(n)) past length \(layout.length) returns nil, like skb_pull's NULL")
            }
            #expect(accepted == (n >= 0 && n <= layout.length))
        }
    }

    @Test(arguments: Layout.all)
    func putAppendsWithinTheTailroomAndRefusesBeyond(_ layout: Layout) {
        for n in Self.sizes {
            let skb = prepared(layout)
            var model = Model(skb)
            let oldTail = skb.tail
            let accepted = model.put(n)
            let result = skb.tryPut(n)
            expectMatches(skb, model, "tryPut(\(n))")
            if accepted {
                #expect(result == oldTail)
                #expect(skb.length == layout.length + n && skb.tailroom == layout.tailroom - n)
                #expect(Array(skb.byteArray.prefix(layout.length)) == layout.packet)
            } else {
                #expect(result == nil, "tryPut(\(n)) past tailroom \(layout.tailroom)")
            }
            #expect(accepted == (n >= 0 && n <= layout.tailroom))
        }
    }

    @Test(arguments: Layout.all)
    func trappingPutAgreesWithinTheTailroom(_ layout: Layout) {
        for n in 0...layout.tailroom {
            let skb = prepared(layout)
            var model = Model(skb)
            let oldTail = skb.tail
            let accepted = model.put(n)
            #expect(accepted)
            #expect(skb.put(n) == oldTail)
            expectMatches(skb, model, "put(\(n))")
        }
    }

    @Test(arguments: Layout.all)
    func trimShortensAndIgnoresLongerLengths(_ layout: Layout) {
        for n in Self.sizes {
            let skb = prepared(layout)
            var model = Model(skb)
            model.trim(to: n)
            skb.trim(to: n)
            expectMatches(skb, model, "trim(to: \(n))")
            let expected = (0..<layout.length).contains(n) ? n : layout.length
            #expect(skb.length == expected && skb.headroom == layout.headroom)
            #expect(skb.byteArray == Array(layout.packet.prefix(expected)))
        }
    }

    @Test(arguments: Layout.all)
    func reserveMovesDataAndTailOfAnEmptyBuffer(_ layout: Layout) {
        for n in 0...layout.tailroom {
            let skb = SkBuff(capacity: layout.headroom + layout.tailroom, headroom: layout.headroom)
            skb.reserve(headroom: n)
            skb.checkInvariants()
            #expect(skb.headroom == layout.headroom + n && skb.length == 0 && skb.tailroom == layout.tailroom - n)
        }
    }

    @Test(arguments: Layout.all)
    func expandHeadKeepsBytesAndShiftsEverythingKeptFromHead(_ layout: Layout) {
        for nhead in 0...2 {
            for ntail in 0...2 {
                let skb = prepared(layout)
                skb.setInnerNetworkHeader(offsetFromData: 0)
                if layout.headroom > 0 { skb.metaLength = 1 }
                var model = Model(skb)
                model.expand(by: nhead, tail: ntail)
                skb.expandHead(by: nhead, extraTailroom: ntail)
                expectMatches(skb, model, "expandHead(by: \(nhead), extraTailroom: \(ntail))")
                #expect(skb.headroom == layout.headroom + nhead && skb.tailroom == layout.tailroom + ntail)
                #expect(skb.byteArray == layout.packet)
                // Relative to data, nothing moved.
                #expect(skb.macHeaderOffsetFromData == 0)
                #expect(skb.networkHeaderOffsetFromData == min(1, layout.length))
                #expect(skb.innerNetworkHeaderOffsetFromData == 0)
                #expect(skb.transportHeaderOffset == nil, "an unset header stays unset")
                #expect(skb.checksumStartOffset == min(1, layout.length))
                // Linux 6.18's pskb_expand_head() drops skb metadata.
                #expect(skb.metaLength == (nhead == 0 && ntail == 0 && layout.headroom > 0 ? 1 : 0))
            }
        }
    }

    @Test(arguments: Layout.all)
    func expandHeadLeavesCsumStartAloneUnlessPartial(_ layout: Layout) {
        let skb = prepared(layout)
        skb.checksumState = .complete
        skb.checksum = 0x1234
        skb.checksumStart = 0x77
        skb.expandHead(by: 2)
        #expect(skb.checksumStart == 0x77 && skb.checksum == 0x1234 && skb.checksumState == .complete)
    }

    @Test(arguments: Layout.all)
    func expandToWantedRoomOnlyGrowsWhatIsShort(_ layout: Layout) {
        for wantedHead in 0...4 {
            for wantedTail in 0...4 {
                let skb = prepared(layout)
                var model = Model(skb)
                model.expand(by: max(0, wantedHead - layout.headroom), tail: max(0, wantedTail - layout.tailroom))
                skb.expandHead(headroom: wantedHead, tailroom: wantedTail)
                expectMatches(skb, model, "expandHead(headroom: \(wantedHead), tailroom: \(wantedTail))")
                #expect(skb.headroom == max(wantedHead, layout.headroom))
                #expect(skb.tailroom == max(wantedTail, layout.tailroom))
            }
        }
    }

    @Test(arguments: Layout.all)
    func ensureRoomReallocatesOnlyWhenShort(_ layout: Layout) {
        for n in 0...4 {
            let skb = prepared(layout)
            let oldHead = skb.head
            var model = Model(skb)
            model.expand(by: max(0, n - layout.headroom), tail: 0)
            #expect(skb.ensureHeadroom(n) == (n <= layout.headroom))
            expectMatches(skb, model, "ensureHeadroom(\(n))")
            #expect(skb.headroom == max(n, layout.headroom))
            if n <= layout.headroom { #expect(skb.head == oldHead, "no reallocation: raw pointers stay valid") }

            let other = prepared(layout)
            var otherModel = Model(other)
            otherModel.expand(by: 0, tail: max(0, n - layout.tailroom))
            #expect(other.ensureTailroom(n) == (n <= layout.tailroom))
            expectMatches(other, otherModel, "ensureTailroom(\(n))")
            #expect(other.tailroom == max(n, layout.tailroom))
        }
    }

    @Test(arguments: Layout.all)
    func headerOffsetsFromHeadSurvivePushPullPutAndTrim(_ layout: Layout) {
        let skb = prepared(layout)
        let mac = skb.macHeaderOffset
        let network = skb.networkHeaderOffset
        _ = skb.tryPush(layout.headroom)
        _ = skb.pull(1)
        _ = skb.tryPut(layout.tailroom)
        skb.trim(to: 1)
        #expect(skb.macHeaderOffset == mac && skb.networkHeaderOffset == network)
        #expect(skb.macHeaderOffsetFromData == mac.map { $0 - skb.headroom })
    }

    /// Long random sequences of every operation, compared with the model after each step.
    @Test(arguments: 0..<32)
    func randomOperationSequencesMatchTheModel(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let layout = Layout(
            headroom: Int.random(in: 0...8, using: &random), length: Int.random(in: 0...8, using: &random),
            tailroom: Int.random(in: 0...8, using: &random))
        let skb = prepared(layout)
        var model = Model(skb)
        for step in 0..<64 {
            let n = Int.random(in: -1...6, using: &random)
            let comment: Comment
            switch Int.random(in: 0..<8, using: &random) {
            case 0:
                let accepted = model.push(n)
                #expect((skb.tryPush(n) != nil) == accepted)
                comment = "\(step): tryPush(\(n))"
            case 1:
                let accepted = model.pull(n)
                #expect((skb.pull(n) != nil) == accepted)
                comment = "\(step): pull(\(n))"
            case 2:
                let accepted = model.put(n)
                #expect((skb.tryPut(n) != nil) == accepted)
                comment = "\(step): tryPut(\(n))"
            case 3:
                skb.trim(to: n)
                model.trim(to: n)
                comment = "\(step): trim(to: \(n))"
            case 4:
                let a = max(0, n)
                let b = Int.random(in: 0...3, using: &random)
                skb.expandHead(by: a, extraTailroom: b)
                model.expand(by: a, tail: b)
                comment = "\(step): expandHead(by: \(a), extraTailroom: \(b))"
            case 5:
                let offset = Int.random(in: -1...8, using: &random)
                let value = UInt8.random(in: 0...255, using: &random)
                let inside = offset >= 0 && offset < model.length
                #expect(skb.setUInt8(value, at: offset) == inside)
                if inside { model.buffer[model.dataOffset + offset] = value }
                comment = "\(step): setUInt8(at: \(offset))"
            case 6:
                let wanted = max(0, n)
                skb.ensureHeadroom(wanted)
                model.expand(by: max(0, wanted - model.headroom), tail: 0)
                comment = "\(step): ensureHeadroom(\(wanted))"
            default:
                if model.headroom > 0 {
                    let meta = Int.random(in: 0...model.headroom, using: &random)
                    skb.metaLength = meta
                    model.metaLength = meta
                }
                comment = "\(step): metaLength"
            }
            skb.checkInvariants()
            #expect(Model(skb) == model, comment)
            if Model(skb) != model { break }
        }
    }
}
