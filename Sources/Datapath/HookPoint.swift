// The packet's way through the datapath, and where programs may decide (as in the Linux stack):
//
//  ingress ─► prerouting ─► routing ─┬─► input ─► socket (L4 delivery) ─► local socket queue
//  (device)                          └─► forward ─┐
//  local socket ─► output ─► routing ─────────────┴─► postrouting ─► egress ─► device
//
// ingress/egress are tc hooks at a device (data at the link header when the device has one);
// prerouting…postrouting are the netfilter hook points (data at the network header); socket is
// `sk_filter` at delivery (data at the transport header, the return value trims or drops).

/// A place on the packet's way where attached programs run.
public enum HookPoint: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case ingress, prerouting, input, forward, output, postrouting, socket, egress

    /// The name the CLI, the pipeline file, the summary and `verdicts.jsonl` use.
    public var name: String {
        switch self {
        case .ingress: "ingress"
        case .prerouting: "prerouting"
        case .input: "input"
        case .forward: "forward"
        case .output: "output"
        case .postrouting: "postrouting"
        case .socket: "socket"
        case .egress: "egress"
        }
    }

    public var description: String { name }

    /// The hook called `name`.
    public init?(name: String) {
        guard let hook = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = hook
    }

    /// A tc hook of a device: programs see the link-layer header when the device has one.
    public var isDeviceHook: Bool { self == .ingress || self == .egress }

    /// The list of names, for messages: "ingress, prerouting, …".
    public static var names: String { allCases.map(\.name).joined(separator: ", ") }
}
