// The kernel functions a classic program converted to eBPF calls directly (net/core/filter.c,
// `convert_bpf_extensions()`): they have no `bpf_func_id`, because the kernel never shows a
// converted program to the verifier. skbpf verifies the translation, so it gives them ids of
// its own, negative so they can never collide with the kernel's (0...211). Only programs
// translated from classic BPF may call them (`VerifierOptions.allowsClassicExtensions`,
// `ExecutableProgram(…, allowsClassicExtensions:)`); for any other program they are unknown ids.

extension HelperID {
    /// `bpf_skb_get_pay_offset(skb)`: the payload offset past the transport header
    /// (`skb_get_poff()`), for `SKF_AD_PAY_OFFSET`.
    public static let classicPayloadOffset = HelperID(rawValue: -0x100)
    /// `bpf_skb_get_nlattr(skb, a, x)`: offset of the netlink attribute of type x at or after
    /// offset a, or 0 (`SKF_AD_NLATTR`).
    public static let classicNetlinkAttribute = HelperID(rawValue: -0x101)
    /// `bpf_skb_get_nlattr_nest(skb, a, x)`: the same inside the nested attribute at offset a
    /// (`SKF_AD_NLATTR_NEST`).
    public static let classicNestedNetlinkAttribute = HelperID(rawValue: -0x102)
    /// `skb->dev->type` (ARPHRD_*), which the kernel reads inline for `SKF_AD_HATYPE`; skbpf's
    /// devices live in the datapath, so the translation asks for it. The caller has checked
    /// that the packet is on a device (`ifindex != 0`).
    public static let classicDeviceType = HelperID(rawValue: -0x103)

    /// The four ids above.
    public static let classicExtensions: [HelperID] = [
        .classicPayloadOffset, .classicNetlinkAttribute, .classicNestedNetlinkAttribute, .classicDeviceType,
    ]

    /// True for the ids of ``classicExtensions``.
    public var isClassicExtension: Bool { rawValue <= -0x100 && rawValue >= -0x103 }

    /// The kernel function's name (without `bpf_`), for listings and traps.
    var classicExtensionName: String? {
        switch self {
        case .classicPayloadOffset: "skb_get_pay_offset"
        case .classicNetlinkAttribute: "skb_get_nlattr"
        case .classicNestedNetlinkAttribute: "skb_get_nlattr_nest"
        case .classicDeviceType: "skb_get_dev_type"
        default: nil
        }
    }
}
