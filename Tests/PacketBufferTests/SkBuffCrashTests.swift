import PacketBuffer
import Testing

/// Programmer errors trap, as the kernel's `skb_under_panic`/`skb_over_panic` do; each runs in
/// its own process (NIO's `ByteBufferCrashTests`).
@Suite struct SkBuffCrashTests {
    @Test func pushPastHeadroomTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 64, headroom: 2)
            skb.push(14)
        }
    }

    @Test func pushOfANegativeCountTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 64, headroom: 2)
            skb.push(-1)
        }
    }

    @Test func putPastTailroomTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 4)
            skb.put(5)
        }
    }

    @Test func putPastTailroomAfterReserveTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 8, headroom: 6)
            skb.put(3)
        }
    }

    @Test func reserveOnANonEmptyBufferTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 8)
            skb.put(1)
            skb.reserve(headroom: 1)
        }
    }

    @Test func reservePastTheEndTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 8, headroom: 4)
            skb.reserve(headroom: 5)
        }
    }

    @Test func headroomBeyondCapacityTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SkBuff(capacity: 8, headroom: 9)
        }
    }

    @Test func negativeExpansionTraps() async {
        await #expect(processExitsWith: .failure) {
            SkBuff(capacity: 8).expandHead(by: -1)
        }
    }

    @Test func controlBlockWordFiveTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SkBuff(capacity: 8).programControlBlockWord(5)
        }
    }

    @Test func metadataLongerThanTheHeadroomTraps() async {
        await #expect(processExitsWith: .failure) {
            let skb = SkBuff(capacity: 8, headroom: 2)
            skb.metaLength = 3
        }
    }

    @Test func releasingTwiceTraps() async {
        await #expect(processExitsWith: .failure) {
            let pool = SkBuffPool(bufferCount: 2, bufferCapacity: 64, headroom: 16)
            let skb = pool.allocate()!
            pool.release(skb)
            pool.release(skb)
        }
    }

    @Test func releasingIntoAnotherPoolTraps() async {
        await #expect(processExitsWith: .failure) {
            let pool = SkBuffPool(bufferCount: 1, bufferCapacity: 64, headroom: 16)
            let other = SkBuffPool(bufferCount: 1, bufferCapacity: 64, headroom: 16)
            other.release(pool.allocate()!)
        }
    }

    @Test func releasingAFreeStandingBufferTraps() async {
        await #expect(processExitsWith: .failure) {
            let pool = SkBuffPool(bufferCount: 1, bufferCapacity: 64, headroom: 16)
            _ = pool.allocate()
            pool.release(SkBuff(capacity: 64))
        }
    }
}
