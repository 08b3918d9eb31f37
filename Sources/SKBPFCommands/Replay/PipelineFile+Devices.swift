import Datapath

// `devices:`, `routes:` and `rules:` of a pipeline file (format in PipelineFile.swift).

extension PipelineReader {
    static let deviceKeys = ["name", "mtu", "link", "addresses", "mac", "neighbour", "tun"]
    static let routeKeys = ["prefix", "device", "table", "via"]
    static let ruleKeys = ["fwmark", "mask", "table", "priority"]

    /// `devices:`; omitted: `in` and `out` as replay's default. The input device is added first
    /// when no entry declares it.
    mutating func readDevices(_ value: PipelineValue?) throws(PipelineFileError) {
        if let value {
            for item in try value.list("a list of devices") {
                try readDevice(item)
            }
        } else {
            devices = DatapathConfiguration.replayDefault(inputHasLinkHeader: inputHasLinkHeader).devices
            for device in devices { deviceLines[device.name] = .some(nil) }
        }
        if deviceLines[inputDevice] == nil && !isLive {
            devices.insert(DeviceConfiguration(name: inputDevice, hasLinkHeader: inputHasLinkHeader), at: 0)
            deviceLines[inputDevice] = .some(nil)
        }
    }

    private mutating func readDevice(_ item: PipelineValue) throws(PipelineFileError) {
        let fields = try item.mapping(known: Self.deviceKeys)
        let nameValue = try fields.required("name", "every device has a name")
        let name = try nameValue.string("a device name")
        guard Self.isDeviceName(name) else { throw nameValue.error(.notADeviceName(name)) }
        if let firstLine = deviceLines[name] { throw nameValue.error(.duplicateDevice(name, firstLine: firstLine)) }
        deviceLines[name] = nameValue.line

        var device = DeviceConfiguration(name: name, hasLinkHeader: inputHasLinkHeader)
        if let mtu = fields["mtu"] { device.mtu = try mtu.integer(in: 68...65_535) }
        if let link = fields["link"] { device.hasLinkHeader = try link.choice(["ethernet", "none"]) == "ethernet" }
        if let mac = fields["mac"] {
            device.macAddress = try mac.macAddress()
            // Bit 0 of the first octet is the group bit: Linux refuses it as a device address.
            if device.macAddress! >> 40 & 1 == 1 { throw mac.error(.multicastMAC(try mac.scalar())) }
        }
        if let neighbour = fields["neighbour"] { device.neighbourMACAddress = try neighbour.macAddress() }
        if let tun = fields["tun"] { try readTun(tun, device: &device, link: fields["link"]) }
        if let addresses = fields["addresses"] {
            for entry in try addresses.list("a list of addresses (e.g. [10.0.0.1/24])") {
                let (address, prefix) = try entry.interfaceAddress()
                // The host address and the connected route are stored apart, so the configuration
                // lists every route the tables hold (see the format's rules).
                device.addresses.append(IPPrefix(address, length: address.bitCount)!)
                if prefix.length < address.bitCount {
                    try addRoute(RouteConfiguration(prefix: prefix, device: name), at: entry, isConnected: true)
                }
            }
        }
        devices.append(device)
    }

    /// Letters, digits, `-`, `_`, `.`, not starting with `.`: the name is also an output file's base name.
    static func isDeviceName(_ name: String) -> Bool {
        guard let first = name.first, first != "." else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// `routes:`; omitted with `devices:` omitted too: replay's default routes.
    mutating func readRoutes(_ value: PipelineValue?, devicesOmitted: Bool) throws(PipelineFileError) {
        guard let value else {
            if devicesOmitted {
                routes = DatapathConfiguration.replayDefault(inputHasLinkHeader: inputHasLinkHeader).routes
            }
            return
        }
        for item in try value.list("a list of routes") {
            let fields = try item.mapping(known: Self.routeKeys)
            let prefixValue = try fields.required("prefix", "a route says where it leads (e.g. default, 10.0.0.0/8)")
            let prefix = try prefixValue.prefix()
            let device = try deviceReference(try fields.required("device", "a route names its output device"))
            var route = RouteConfiguration(prefix: prefix, device: device)
            if let table = fields["table"] { route.table = try table.table() }
            if let via = fields["via"] {
                let gateway = try via.address()
                guard gateway.version == prefix.address.version else {
                    throw via.error(.gatewayVersion(gateway, prefix: prefix))
                }
                route.gateway = gateway
            }
            try addRoute(route, at: prefixValue, isConnected: false)
        }
    }

    /// Adds a route unless its table has one for the prefix already (`ip route add` says EEXIST).
    private mutating func addRoute(_ route: RouteConfiguration, at value: PipelineValue, isConnected: Bool)
        throws(PipelineFileError)
    {
        let same = { (other: RouteConfiguration) in other.prefix == route.prefix && other.table == route.table }
        if let connected = connectedRoutes.first(where: { same($0.route) }) {
            throw value.error(.duplicateRoute(route.prefix, table: route.table, firstLine: connected.line,
                                              connectedOf: connected.route.device))
        }
        if let index = routes.firstIndex(where: same) {
            throw value.error(.duplicateRoute(route.prefix, table: route.table, firstLine: routeLines[index],
                                              connectedOf: nil))
        }
        if isConnected {
            connectedRoutes.append((route, value.line))
        } else {
            routes.append(route)
            routeLines.append(value.line)
        }
    }

    /// A declared device's name.
    func deviceReference(_ value: PipelineValue) throws(PipelineFileError) -> String {
        let name = try value.string("a device name")
        guard deviceLines[name] != nil else { throw value.error(.noSuchDevice(name, devices: deviceNames)) }
        return name
    }

    /// `rules:`: `fwmark: M` with `mask:`, or `fwmark: M/MASK`.
    mutating func readRules(_ value: PipelineValue?) throws(PipelineFileError) {
        guard let value else { return }
        for item in try value.list("a list of rules") {
            let fields = try item.mapping(known: Self.ruleKeys)
            let markValue = try fields.required("fwmark", "a rule matches a mark (e.g. fwmark: 0x1)")
            let markText = try markValue.scalar("a mark")
            var rule = RuleConfiguration(mark: 0, table: 0)
            if let slash = markText.firstIndex(of: "/") {
                guard let mark = Self.uint32(markText[..<slash]),
                      let mask = Self.uint32(markText[markText.index(after: slash)...])
                else { throw markValue.error(.notAnInteger(markText)) }
                if let extra = fields["mask"] { throw extra.error(.maskGivenTwice) }
                (rule.mark, rule.mask) = (mark, mask)
            } else {
                rule.mark = try markValue.uint32()
                if let mask = fields["mask"] { rule.mask = try mask.uint32() }
            }
            rule.table = try fields.required("table", "a rule names the table it looks up").table()
            if let priority = fields["priority"] { rule.priority = try priority.integer(in: 0...Int(UInt32.max)) }
            rules.append(rule)
        }
    }

    private static func uint32(_ text: Substring) -> UInt32? {
        PipelineValue.parseInteger(String(text)).flatMap { UInt32(exactly: $0) }
    }
}
