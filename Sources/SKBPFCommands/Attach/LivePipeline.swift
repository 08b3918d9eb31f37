import Datapath
import PacketIO

/// What `skbpf attach` runs: a datapath configuration whose devices are all TUN devices, and
/// the TUN behind each device (same order as the configuration's devices).
struct LivePipeline {
    var configuration: DatapathConfiguration
    var tunDevices: [TunBacking]

    /// The command-line form: `--tun NAME[@NETNS]` devices (L3, attached, not created),
    /// `--route PREFIX=DEVICE` routes in the main table, `--attach HOOK=PROG[:SECTION]` programs.
    static func commandLine(tuns: [String], routes: [String], attachments: [String]) throws(CommandFailure) -> LivePipeline {
        guard !tuns.isEmpty else { throw .usage("no devices: give --pipeline FILE, or at least one --tun NAME[@NETNS]") }
        var devices: [DeviceConfiguration] = []
        var backings: [TunBacking] = []
        for text in tuns {
            guard let settings = TunSettings(commandLine: text) else {
                throw .usage("--tun \(text): expected NAME[@NETNS] (a name of at most 15 characters)")
            }
            guard !devices.contains(where: { $0.name == settings.name }) else { throw .usage("--tun \(text): device \(settings.name) given twice") }
            devices.append(DeviceConfiguration(name: settings.name, hasLinkHeader: false))
            backings.append(TunBacking(settings: settings))
        }
        var routeList: [RouteConfiguration] = []
        for text in routes {
            guard let equals = text.firstIndex(of: "=") else { throw .usage("--route \(text): expected PREFIX=DEVICE (e.g. 10.200.2.0/24=tunB)") }
            let prefixText = String(text[..<equals]), device = String(text[text.index(after: equals)...])
            guard let prefix = IPPrefix(prefixText) else { throw .usage("--route \(text): '\(prefixText)' is not a prefix (e.g. 10.0.0.0/8, default)") }
            guard devices.contains(where: { $0.name == device }) else {
                throw .usage("--route \(text): no device '\(device)' (devices: \(devices.map(\.name).joined(separator: ", ")))")
            }
            routeList.append(RouteConfiguration(prefix: prefix, device: device))
        }
        let specifications = try AttachmentSpecification.parseCommandLine(attachments)
        let configuration = DatapathConfiguration(devices: devices, routes: routeList, rules: [], sockets: [],
                                                  attachments: specifications, inputDevice: devices[0].name)
        do { try configuration.validate() } catch { throw .usage("\(error)") }
        return LivePipeline(configuration: configuration, tunDevices: backings)
    }
}
