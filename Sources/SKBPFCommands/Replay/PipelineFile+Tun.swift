import Datapath
import PacketIO

// `devices[].tun:` — the TUN device behind a device, for `skbpf attach`:
//
//   - name: tunA
//     tun:                      # or `tun: true` for the defaults
//       interface: tunA         # the TUN device's name (default: the device's name)
//       netns: skA              # namespace it is in: a name under /var/run/netns, or a path
//       create: false           # create it when missing (default false: a missing device is an error)
//       queues: 1               # descriptors / workers; > 1 needs a multi_queue device
//       offload: false          # IFF_VNET_HDR + TSO/CSUM pass-through of GSO super-packets
//       on_gone: continue       # continue | exit: what deleting the device under skbpf does
//
// A TUN device is an L3 device (`link: none`). `skbpf replay` reads the key and ignores it, so
// one pipeline file serves both the live engine and a replay of a capture taken on it.

/// What the engine does when a TUN device disappears under it.
enum DeviceGonePolicy: String, Sendable, Hashable {
    case `continue`
    case exit
}

/// A pipeline device's TUN backing.
struct TunBacking: Sendable, Hashable {
    var settings: TunSettings
    var onGone: DeviceGonePolicy = .continue
}

extension PipelineReader {
    static let tunKeys = ["interface", "netns", "create", "queues", "offload", "on_gone"]

    mutating func readTun(_ value: PipelineValue, device: inout DeviceConfiguration, link: PipelineValue?)
        throws(PipelineFileError)
    {
        if let link, device.hasLinkHeader { throw link.error(.init("a TUN device carries IP packets: link must be none")) }
        device.hasLinkHeader = false
        var backing = TunBacking(settings: TunSettings(name: device.name, mtu: device.mtu == DeviceConfiguration.defaultMTU ? nil : device.mtu))
        if let scalar = try? value.scalar(), scalar == "true" || scalar == "false" {
            guard try value.bool() else { return }
        } else {
            let fields = try value.mapping(known: Self.tunKeys, "true, or a mapping of interface, netns, create, queues, offload, on_gone")
            if let interface = fields["interface"] {
                let name = try interface.string("an interface name")
                guard name.utf8.count < 16, Self.isDeviceName(name) else {
                    throw interface.error(.init("'\(name)' is not an interface name (at most 15 letters, digits, - _ .)"))
                }
                backing.settings.name = name
            }
            if let netns = fields["netns"] { backing.settings.namespace = try netns.string("a network namespace") }
            if let create = fields["create"] { backing.settings.create = try create.bool() }
            if let queues = fields["queues"] { backing.settings.queueCount = try queues.integer(in: 1...64) }
            if let offload = fields["offload"] { backing.settings.offload = try offload.bool() }
            if let onGone = fields["on_gone"] { backing.onGone = DeviceGonePolicy(rawValue: try onGone.choice(["continue", "exit"]))! }
        }
        tunDevices[device.name] = backing
    }
}
