import PacketBuffer
import Testing

/// A buffer geometry: bytes of headroom, packet and tailroom.
struct Layout: Sendable, CustomTestStringConvertible {
    var headroom: Int
    var length: Int
    var tailroom: Int

    var capacity: Int { headroom + length + tailroom }
    var testDescription: String { "headroom \(headroom), length \(length), tailroom \(tailroom)" }

    /// Every layout with each part in 0...3, in the manner of swift-collections' `withEvery`.
    static let all: [Layout] = (0...3).flatMap { h in
        (0...3).flatMap { l in (0...3).map { t in Layout(headroom: h, length: l, tailroom: t) } }
    }

    /// The byte a fresh buffer holds at `offset` from head: headroom, packet and tailroom each
    /// have their own pattern, so any byte that moves or leaks shows where it came from.
    func initialByte(at offset: Int) -> UInt8 {
        if offset < headroom { return UInt8(0x40 + offset) }
        if offset < headroom + length { return UInt8(0xa0 + offset - headroom) }
        return UInt8(0xe0 + offset - headroom - length)
    }

    /// The packet bytes a fresh buffer holds.
    var packet: [UInt8] { (headroom..<headroom + length).map(initialByte) }

    /// A buffer in this layout, every byte from head to end as `initialByte(at:)`.
    func make() -> SkBuff {
        let skb = SkBuff(capacity: capacity, headroom: headroom)
        skb.put(length)
        for offset in 0..<capacity {
            skb.head.storeBytes(of: initialByte(at: offset), toByteOffset: offset, as: UInt8.self)
        }
        return skb
    }
}

/// The observable state of a buffer — geometry, every byte from head to end, header offsets
/// and csum_start — and the kernel's semantics on it, written plainly on arrays: the oracle the
/// buffer is compared with after every operation.
struct Model: Equatable, CustomStringConvertible {
    var buffer: [UInt8]
    var dataOffset: Int
    var tailOffset: Int
    var mac: Int?, network: Int?, transport: Int?
    var innerNetwork: Int?
    var checksumStart: Int
    var isPartial: Bool
    var metaLength: Int

    init(_ skb: SkBuff) {
        buffer = Array(UnsafeRawBufferPointer(start: skb.head, count: skb.capacity))
        dataOffset = skb.headroom
        tailOffset = skb.headroom + skb.length
        mac = skb.macHeaderOffset
        network = skb.networkHeaderOffset
        transport = skb.transportHeaderOffset
        innerNetwork = skb.innerNetworkHeaderOffset
        checksumStart = Int(skb.checksumStart)
        isPartial = skb.checksumState == .partial
        metaLength = skb.metaLength
    }

    var description: String {
        "data \(dataOffset) tail \(tailOffset) end \(buffer.count) mac \(mac.map(String.init) ?? "-") "
            + "net \(network.map(String.init) ?? "-") csum_start \(checksumStart) meta \(metaLength) bytes \(buffer)"
    }

    var packet: [UInt8] { Array(buffer[dataOffset..<tailOffset]) }
    var headroom: Int { dataOffset }
    var tailroom: Int { buffer.count - tailOffset }
    var length: Int { tailOffset - dataOffset }

    mutating func push(_ n: Int) -> Bool {
        guard n >= 0, n <= dataOffset else { return false }
        dataOffset -= n
        if metaLength > dataOffset { metaLength = 0 }
        return true
    }

    mutating func pull(_ n: Int) -> Bool {
        guard n >= 0, n <= length else { return false }
        dataOffset += n
        return true
    }

    mutating func put(_ n: Int) -> Bool {
        guard n >= 0, n <= tailroom else { return false }
        tailOffset += n
        return true
    }

    mutating func trim(to n: Int) {
        if n >= 0, n < length { tailOffset = dataOffset + n }
    }

    /// pskb_expand_head: zeroes + head...tail + zeroes; everything from head shifts by nhead.
    mutating func expand(by nhead: Int, tail ntail: Int) {
        guard nhead > 0 || ntail > 0 else { return }
        let newCount = buffer.count + nhead + ntail
        buffer = [UInt8](repeating: 0, count: nhead) + buffer[0..<tailOffset]
        buffer += [UInt8](repeating: 0, count: newCount - buffer.count)
        dataOffset += nhead
        tailOffset += nhead
        mac = mac.map { $0 + nhead }
        network = network.map { $0 + nhead }
        transport = transport.map { $0 + nhead }
        innerNetwork = innerNetwork.map { $0 + nhead }
        if isPartial { checksumStart += nhead }
        metaLength = 0
    }
}

/// A small seeded generator (SplitMix64), so random tests replay exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Every stored metadata field but the allocation (`head`, `capacity`), by name, as text:
/// compares whole buffers' metadata, and notices fields added later without a test change.
func metadataFields(_ skb: SkBuff) -> [String: String] {
    var fields: [String: String] = [:]
    for child in Mirror(reflecting: skb.metadata.pointee).children {
        guard let label = child.label, label != "head", label != "capacity" else { continue }
        fields[label] = String(describing: child.value)
    }
    return fields
}
