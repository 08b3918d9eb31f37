/// Everything a datapath is built from: devices, routes, rules, sockets and the programs to
/// attach. The pipeline file and the command line both produce one.
public struct DatapathConfiguration: Sendable, Hashable {
    public var devices: [DeviceConfiguration]
    public var routes: [RouteConfiguration]
    public var rules: [RuleConfiguration]
    public var sockets: [SocketConfiguration]
    public var attachments: [AttachmentSpecification]
    /// The device a replayed capture arrives on.
    public var inputDevice: String

    public init(devices: [DeviceConfiguration] = [], routes: [RouteConfiguration] = [], rules: [RuleConfiguration] = [],
                sockets: [SocketConfiguration] = [], attachments: [AttachmentSpecification] = [], inputDevice: String = "in") {
        self.devices = devices
        self.routes = routes
        self.rules = rules
        self.sockets = sockets
        self.attachments = attachments
        self.inputDevice = inputDevice
    }

    /// Replay's topology when no pipeline file is given: the capture arrives on `in`, one output
    /// device `out` of the same kind, default routes (IPv4 and IPv6) to `out`, no local
    /// addresses. Every packet goes ingress → prerouting → forward → postrouting → egress → `out`
    /// unless a program decides otherwise.
    public static func replayDefault(inputHasLinkHeader: Bool, attachments: [AttachmentSpecification] = []) -> Self {
        DatapathConfiguration(
            devices: [DeviceConfiguration(name: "in", hasLinkHeader: inputHasLinkHeader),
                      DeviceConfiguration(name: "out", hasLinkHeader: inputHasLinkHeader)],
            routes: [RouteConfiguration(prefix: IPPrefix("default")!, device: "out"),
                     RouteConfiguration(prefix: IPPrefix("default6")!, device: "out")],
            attachments: attachments, inputDevice: "in")
    }

    /// Checks what the datapath relies on: unique device names, an input device, routes and
    /// attachments naming devices and sockets that exist, sane sizes.
    /// - Throws: ``ConfigurationError`` naming the first problem.
    public func validate() throws(ConfigurationError) {
        var names = Set<String>()
        for device in devices {
            guard !device.name.isEmpty else { throw ConfigurationError("a device has an empty name") }
            guard names.insert(device.name).inserted else { throw ConfigurationError("device '\(device.name)' is declared twice") }
            guard device.mtu >= 68, device.mtu <= 65_535 else {
                throw ConfigurationError("device '\(device.name)': mtu \(device.mtu) is outside 68…65535")
            }
        }
        let known = devices.map(\.name).joined(separator: ", ")
        guard names.contains(inputDevice) else {
            throw ConfigurationError("input device '\(inputDevice)' is not declared (devices: \(known))")
        }
        for route in routes where !names.contains(route.device) {
            throw ConfigurationError("route \(route.prefix): no device '\(route.device)' (devices: \(known))")
        }
        var socketNames = Set<String>()
        for socket in sockets {
            guard socketNames.insert(socket.name).inserted else { throw ConfigurationError("socket \(socket.name) is declared twice") }
            guard socket.receiveBufferSize > 0 else { throw ConfigurationError("socket \(socket.name): rcvbuf must be positive") }
            if socket.isEcho && socket.transport != .udp { throw ConfigurationError("socket \(socket.name): only UDP sockets echo") }
        }
        for attachment in attachments {
            if let device = attachment.device {
                guard attachment.hook.isDeviceHook else {
                    throw ConfigurationError("\(attachment.programPath): 'device' applies to ingress and egress, not \(attachment.hook)")
                }
                guard names.contains(device) else {
                    throw ConfigurationError("\(attachment.programPath): no device '\(device)' (devices: \(known))")
                }
            }
            if let socket = attachment.socket {
                guard attachment.hook == .socket else {
                    throw ConfigurationError("\(attachment.programPath): 'socket' applies to the socket hook, not \(attachment.hook)")
                }
                guard socketNames.contains(socket) else {
                    throw ConfigurationError("\(attachment.programPath): no socket '\(socket)' (sockets: \(sockets.map(\.name).joined(separator: ", ")))")
                }
            }
        }
    }
}

/// A datapath description that cannot work, with what is wrong.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
