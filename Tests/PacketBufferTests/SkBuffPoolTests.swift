import PacketBuffer
import Testing

/// The preallocated pool: exhaustion is counted, released buffers come back reset, copies are
/// deep.
@Suite struct SkBuffPoolTests {
    @Test func allocatesUpToItsSizeThenCountsRefusals() {
        let pool = SkBuffPool(bufferCount: 3, bufferCapacity: 64, headroom: 16)
        #expect(pool.availableCount == 3 && pool.inUseCount == 0)
        let buffers = (0..<3).compactMap { _ in pool.allocate() }
        #expect(buffers.count == 3)
        #expect(Set(buffers.map(ObjectIdentifier.init)).count == 3, "three distinct buffers")
        #expect(pool.availableCount == 0 && pool.inUseCount == 3)
        #expect(pool.allocate() == nil && pool.allocate() == nil)
        #expect(pool.exhaustedCount == 2)
        pool.release(buffers[1])
        #expect(pool.allocate() === buffers[1])
        #expect(pool.exhaustedCount == 2)
    }

    @Test func allocatedBuffersHaveThePoolsGeometry() throws {
        let pool = SkBuffPool(bufferCount: 1)
        let skb = try #require(pool.allocate())
        #expect(skb.capacity == 2048 + 128 && skb.headroom == 128 && skb.length == 0 && skb.tailroom == 2048)
        #expect(pool.bufferCapacity == 2176 && pool.headroom == 128 && pool.bufferCount == 1)
    }

    @Test func releasedBuffersComeBackReset() throws {
        let pool = SkBuffPool(bufferCount: 1, bufferCapacity: 64, headroom: 16)
        let fresh = try #require(pool.allocate())
        let freshFields = metadataFields(fresh)
        fresh.put(20)
        fresh.pull(14)
        fresh.mark = 3
        fresh.resetNetworkHeader()
        fresh.wireLength = 20
        fresh.setProgramControlBlockWord(2, 7)
        fresh.vlanTag = (0x8100, 1)
        fresh.checksumState = .partial
        pool.release(fresh)
        let again = try #require(pool.allocate())
        #expect(again === fresh)
        #expect(metadataFields(again) == freshFields)
        #expect(again.length == 0 && again.headroom == 16 && again.tailroom == 48)
    }

    @Test func aGrownBufferKeepsItsAllocationButComesBackReset() throws {
        let pool = SkBuffPool(bufferCount: 1, bufferCapacity: 32, headroom: 8)
        let skb = try #require(pool.allocate())
        skb.put(4)
        skb.expandHead(by: 16, extraTailroom: 8)
        pool.release(skb)
        let again = try #require(pool.allocate())
        #expect(again.capacity == 56 && again.headroom == 8 && again.length == 0)
    }

    @Test func steadyStateReusesTheSameBuffers() {
        let pool = SkBuffPool(bufferCount: 4, bufferCapacity: 64, headroom: 16)
        var seen = Set<ObjectIdentifier>()
        for round in 0..<100 {
            let a = pool.allocate()!
            let b = pool.allocate()!
            seen.insert(ObjectIdentifier(a))
            seen.insert(ObjectIdentifier(b))
            a.put(round % 40)
            pool.release(b)
            pool.release(a)
        }
        #expect(seen.count <= 4 && pool.availableCount == 4 && pool.exhaustedCount == 0)
    }

    @Test func copyOfIsDeepAndComesFromThePool() throws {
        let pool = SkBuffPool(bufferCount: 2, bufferCapacity: 64, headroom: 16)
        let original = try #require(pool.allocate())
        let frame: [UInt8] = Array(0..<30)
        #expect(frame.withUnsafeBytes { original.putData($0) })
        original.resetMacHeader()
        original.pull(14)
        original.resetNetworkHeader()
        original.mark = 0xabc
        original.setProgramControlBlockWord(0, 1)
        let clone = try #require(pool.copy(of: original))
        #expect(clone !== original && pool.inUseCount == 2)
        #expect(metadataFields(clone) == metadataFields(original))
        #expect(clone.byteArray == Array(frame[14...]) && clone.macHeaderOffsetFromData == -14)
        _ = clone.push(14)
        #expect(clone.byteArray == frame, "the headroom (the pulled MAC header) is copied too")
        clone.setUInt8(0xff, at: 0)
        clone.mark = 1
        #expect(original.byteArray == Array(frame[14...]) && original.mark == 0xabc)
        #expect(pool.copy(of: original) == nil && pool.exhaustedCount == 1)
    }

    @Test func copyOfAGrownBufferGrowsTheCopy() throws {
        let pool = SkBuffPool(bufferCount: 2, bufferCapacity: 32, headroom: 8)
        let original = try #require(pool.allocate())
        original.put(20)
        original.setUInt32BE(0xdead_beef, at: 16)
        original.expandHead(by: 40)
        let clone = try #require(pool.copy(of: original))
        #expect(clone.headroom == 48 && clone.length == 20 && clone.getUInt32BE(at: 16) == 0xdead_beef)
        clone.checkInvariants()
    }
}
