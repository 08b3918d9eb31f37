public import PacketBuffer

extension SkBuffHelpers {
    /// `BPF_HDR_START_MAC` / `BPF_HDR_START_NET`: where `bpf_skb_load_bytes_relative` counts from.
    static let headerStartMac: UInt64 = 0
    static let headerStartNet: UInt64 = 1

    /// `bpf_skb_load_bytes_relative(skb, offset, to, len, start_header)`: `len` bytes from the MAC
    /// or network header (not from `data`), up to `tail`. 0, or -EFAULT with `to` zeroed for an
    /// offset over 0xffff, an unknown start, an unset MAC header, or bytes past the tail.
    public static func loadBytesRelative(_ skb: SkBuff, offset: UInt64, to: UnsafeMutableRawBufferPointer,
                                         startHeader: UInt64) -> UInt64 {
        let m = skb.metadata
        let start: Int? = switch startHeader {
        case headerStartMac: skb.macHeaderOffset
        case headerStartNet: skb.networkHeaderOffset
        default: nil
        }
        if offset <= UInt64(maxOffset), let start, start + Int(offset) + to.count <= m.pointee.tailOffset {
            if let base = to.baseAddress { base.copyMemory(from: m.pointee.head + start + Int(offset), byteCount: to.count) }
            return 0
        }
        if let base = to.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: to.count) }
        return HelperErrno.fault.returnValue
    }
}
