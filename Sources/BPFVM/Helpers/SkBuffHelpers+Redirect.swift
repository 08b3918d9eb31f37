import BPFABI
public import PacketBuffer

// bpf_redirect and bpf_clone_redirect (net/core/filter.c). The kernel keeps a redirect's target
// in per-CPU `bpf_redirect_info` and acts on it after the program returns TC_ACT_REDIRECT
// (skb_do_redirect); here the caller keeps a `RedirectRequest`. A clone redirect sends a copy
// at once in the kernel; here the helper fills a buffer the caller supplies and the datapath
// sends it.

/// Where a tc program asked for its packet to go: the device and `BPF_F_INGRESS`.
/// Mirrors `bpf_redirect_info.tgt_index/flags`.
public struct RedirectRequest: Sendable, Hashable {
    /// Target device (`ifindex` as the program passed it; not checked until the packet is sent).
    public var ifindex: UInt32
    /// The flags as passed: 0 or `BPF_F_INGRESS`.
    public var flags: UInt64

    public init(ifindex: UInt32, flags: UInt64) {
        self.ifindex = ifindex
        self.flags = flags
    }

    /// Deliver to the device's receive path instead of transmitting on it.
    public var isIngress: Bool { flags & RedirectFlags.ingress != 0 }
}

/// What the datapath knows about a device a clone is redirected to.
public struct RedirectDevice: Sendable, Hashable {
    public var ifindex: UInt32
    /// The device expects frames with a link-layer header (`dev_is_mac_header_xmit`): Ethernet,
    /// loopback; false for L3 devices (TUN, ip tunnels), which get the packet from its network header.
    public var carriesMacHeader: Bool

    public init(ifindex: UInt32, carriesMacHeader: Bool = true) {
        self.ifindex = ifindex
        self.carriesMacHeader = carriesMacHeader
    }
}

extension SkBuffHelpers {
    /// `TC_ACT_REDIRECT` and `TC_ACT_SHOT` as r0 values.
    static let redirectAction = UInt64(bitPattern: Int64(TCAction.redirect.rawValue))
    static let shotAction = UInt64(bitPattern: Int64(TCAction.shot.rawValue))
    /// `-EBADMSG` (74), which ``HelperErrno`` does not list.
    static let badMessageReturnValue = UInt64(bitPattern: -74)

    /// `bpf_redirect(ifindex, flags)`: records the target and returns TC_ACT_REDIRECT (7); any
    /// flag besides BPF_F_INGRESS returns TC_ACT_SHOT (2) and records nothing. The device is not
    /// checked here (measured: ifindex 999 also returns 7).
    public static func redirect(ifindex: UInt64, flags: UInt64, request: inout RedirectRequest?) -> UInt64 {
        guard flags & ~RedirectFlags.ingress == 0 else { return shotAction }
        request = RedirectRequest(ifindex: UInt32(truncatingIfNeeded: ifindex), flags: flags)
        return redirectAction
    }

    /// `bpf_clone_redirect(skb, ifindex, flags)`: copies the packet into `clone` for the datapath
    /// to send to `device` (nil: no device has `ifindex`). Returns 0 once the copy is made;
    /// -EINVAL for flags other than BPF_F_INGRESS or an unknown device; -EBADMSG for a GSO packet
    /// without a GSO type; -ENOMEM when there is no clone buffer or it is too small; -ERANGE when
    /// the packet has no link-layer header for a MAC device (or nothing past the network header
    /// for an L3 one). The transmit result itself is not reported (the kernel returns the
    /// `dev_queue_xmit`/`netif_rx` code, 0 on loopback — measured for ifindex 1, both directions).
    public static func cloneRedirect(_ skb: SkBuff, ifindex: UInt64, flags: UInt64, device: RedirectDevice?,
                                     clone: SkBuff?) -> UInt64 {
        guard flags & ~RedirectFlags.ingress == 0 else { return HelperErrno.invalid.returnValue }
        let m = skb.metadata
        if isGSO(skb) && m.pointee.gsoType == 0 { return badMessageReturnValue }
        guard let device, device.ifindex == UInt32(truncatingIfNeeded: ifindex) else {
            return HelperErrno.invalid.returnValue
        }
        guard let clone, skb.copy(into: clone) else { return HelperErrno.noMemory.returnValue }
        let c = clone.metadata
        if device.carriesMacHeader {
            // __bpf_redirect_common: a link-layer header must be carried.
            guard c.pointee.macHeaderOffset < c.pointee.networkHeaderOffset, clone.length > 0 else {
                return HelperErrno.range.returnValue
            }
        } else {
            // __bpf_redirect_no_mac: the device gets the packet from its network header.
            let macLength = clone.networkHeaderOffsetFromData ?? 0
            guard clone.length > macLength else { return HelperErrno.range.returnValue }
            if macLength > 0 {
                clone.pull(macLength)
                if flags & RedirectFlags.ingress == 0 { postPullChecksum(clone, offset: -macLength, count: macLength) }
            }
            c.pointee.macHeaderOffset = c.pointee.networkHeaderOffset  // skb_pop_mac_header
        }
        clone.ifindex = device.ifindex
        return 0
    }
}
