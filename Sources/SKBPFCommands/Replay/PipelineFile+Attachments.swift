import Datapath
import PacketIO

// `sockets:` and `attach:` of a pipeline file (format in PipelineFile.swift).

extension PipelineReader {
    static let socketKeys = ["protocol", "port", "address", "rcvbuf", "reader", "echo", "mark", "priority"]
    static let attachmentKeys = ["hook", "program", "filter", "section", "priority", "device", "socket", "maps"]
    static let mapEntryKeys = ["map", "key", "value", "key_size", "value_size"]

    mutating func readSockets(_ value: PipelineValue?) throws(PipelineFileError) {
        guard let value else { return }
        let localAddresses = devices.flatMap(\.addresses).map(\.address)
        for item in try value.list("a list of sockets") {
            let fields = try item.mapping(known: Self.socketKeys)
            let transportName = try fields.required("protocol", "a socket is udp or tcp").choice(["udp", "tcp"])
            let transport = TransportProtocol(name: transportName)!
            let port = try fields.required("port", "a socket is bound to a port").integer(in: 1...65_535)
            var socket = SocketConfiguration(transport: transport, port: UInt16(port))
            if let addressValue = fields["address"] {
                let address = try addressValue.address()
                if !Self.isAnyAddress(address) {
                    guard localAddresses.contains(address) else {
                        throw addressValue.error(.notLocal(address, local: localAddresses))
                    }
                    socket.address = address
                }
            }
            if let rcvbuf = fields["rcvbuf"] { socket.receiveBufferSize = try rcvbuf.integer(in: 1...Int(Int32.max)) }
            if let reader = fields["reader"] {
                socket.reader = SocketReader(rawValue: try reader.choice(SocketReader.allCases.map(\.rawValue)))!
            }
            if let echo = fields["echo"] {
                socket.isEcho = try echo.bool()
                if socket.isEcho && transport != .udp { throw echo.error(.echoNeedsUDP(transport)) }
            }
            if let mark = fields["mark"] { socket.mark = try mark.uint32() }
            if let priority = fields["priority"] { socket.priority = try priority.uint32() }
            if let firstLine = socketLines[socket.name] {
                throw item.error(.duplicateSocket(socket.name, firstLine: firstLine))
            }
            socketLines[socket.name] = item.line
            sockets.append(socket)
        }
    }

    /// `0.0.0.0` and `::`: bound to every address, as no address.
    static func isAnyAddress(_ address: IPAddress) -> Bool { address.high == 0 && address.low == 0 }

    mutating func readAttachments(_ value: PipelineValue?) throws(PipelineFileError) {
        guard let value else { return }
        for item in try value.list("a list of attachments") {
            let fields = try item.mapping(known: Self.attachmentKeys)
            let hookValue = try fields.required("hook", "an attachment names its hook (\(HookPoint.names))")
            let hookName = try hookValue.string("a hook name")
            guard let hook = HookPoint(name: hookName) else { throw hookValue.error(.notAHook(hookName)) }
            var attachment: AttachmentSpecification
            if let filter = fields["filter"] {
                // A tcpdump expression instead of a program file: no file, sections or maps.
                for key in ["program", "section", "maps"] where fields[key] != nil {
                    throw fields[key]!.error(.notWithFilter(key))
                }
                let expression = try filter.string("a tcpdump expression")
                attachment = AttachmentSpecification(hook: hook, programPath: "", filterExpression: expression)
            } else {
                let program = try fields.required(
                    "program", "an attachment names its program file (program:) or a tcpdump expression (filter:)"
                ).string("a file path")
                attachment = AttachmentSpecification(
                    hook: hook, programPath: PipelineFile.resolve(program: program, relativeTo: path))
            }
            if let section = fields["section"] { attachment.section = try section.string("a section name") }
            if let priority = fields["priority"] {
                attachment.priority = try priority.integer(in: Int(Int32.min)...Int(Int32.max))
            }
            if let device = fields["device"] {
                guard hook.isDeviceHook else { throw device.error(.deviceNeedsDeviceHook(hook)) }
                attachment.device = try deviceReference(device)
            }
            if let socket = fields["socket"] {
                guard hook == .socket else { throw socket.error(.socketNeedsSocketHook(hook)) }
                attachment.socket = try socketReference(socket)
            }
            if let maps = fields["maps"] {
                for entry in try maps.list("a list of map entries") {
                    attachment.mapEntries.append(try Self.mapEntry(entry))
                }
            }
            if let expression = attachment.filterExpression, let filter = fields["filter"] {
                try checkExpression(expression, filter, attachment)
            }
            attachments.append(attachment)
        }
    }

    /// Compiles a `filter:` expression now, as it will be loaded, so a syntax error or a keyword
    /// the hook's link type lacks is reported at its line (libpcap's words).
    func checkExpression(_ expression: String, _ value: PipelineValue, _ attachment: AttachmentSpecification)
        throws(PipelineFileError)
    {
        switch ClassicLoader.placement(hook: attachment.hook, device: attachment.device, devices: devices) {
        case .failure(let error): throw value.error(.init(error.message))
        case .success(let (linkType, _)):
            do {
                _ = try FilterExpression(expression, linkType: linkType)
            } catch {
                throw value.error(.filterRejected(error.message, linkType: linkType.name))
            }
        }
    }

    /// A declared socket, as its ``SocketConfiguration/name`` (`udp/53`, `udp/10.0.0.1:53`,
    /// `udp/[2001:db8::1]:53`); written any way that parses to the same socket.
    func socketReference(_ value: PipelineValue) throws(PipelineFileError) -> String {
        let text = try value.string("a socket name")
        guard let name = Self.canonicalSocketName(text) else { throw value.error(.notASocketName(text)) }
        guard socketLines[name] != nil else { throw value.error(.noSuchSocket(name, sockets: sockets.map(\.name))) }
        return name
    }

    static func canonicalSocketName(_ text: String) -> String? {
        guard let slash = text.firstIndex(of: "/"), let transport = TransportProtocol(name: String(text[..<slash]))
        else { return nil }
        let rest = text[text.index(after: slash)...]
        var address: IPAddress?
        var portText = rest
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[close...].hasPrefix("]:"),
                  let v6 = IPAddress(rest[rest.index(after: rest.startIndex)..<close]), v6.version == 6
            else { return nil }
            address = v6
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else if let colon = rest.lastIndex(of: ":") {
            guard let v4 = IPAddress(rest[..<colon]), v4.version == 4 else { return nil }
            address = v4
            portText = rest[rest.index(after: colon)...]
        }
        guard let port = PipelineValue.parseInteger(String(portText)), (1...65_535).contains(port) else { return nil }
        return SocketConfiguration(transport: transport, port: UInt16(port),
                                   address: address.flatMap { isAnyAddress($0) ? nil : $0 }).name
    }

    /// One `maps:` entry: `map`, `key`, `value`, optional `key_size`/`value_size`.
    static func mapEntry(_ item: PipelineValue) throws(PipelineFileError) -> MapEntrySpecification {
        let fields = try item.mapping(known: mapEntryKeys)
        let map = try fields.required("map", "an entry names its map").string("a map name")
        let keySize = try fields["key_size"]?.integer(in: 1...512)
        let valueSize = try fields["value_size"]?.integer(in: 1...65_536)
        let keyValue = try fields.required("key", "an entry has a key")
        let valueValue = try fields.required("value", "an entry has a value")
        let key = try bytes(keyValue, size: keySize, sizeKey: "key_size")
        let value = try bytes(valueValue, size: valueSize, sizeKey: "value_size")
        return MapEntrySpecification(map: map, key: key, value: value)
    }

    /// Hex bytes when quoted or not an integer; else the integer little-endian in `size` bytes (default 4).
    static func bytes(_ value: PipelineValue, size: Int?, sizeKey: String) throws(PipelineFileError) -> [UInt8] {
        let text = try value.scalar("hex bytes or an integer")
        let isHex = text.hasPrefix("0x") || text.hasPrefix("0X")
        // 2^63 and above only fit as hex (the Int parser stops at Int.max).
        let integer = PipelineValue.parseInteger(text).map { UInt64(bitPattern: Int64($0)) }
            ?? (isHex ? UInt64(text.dropFirst(2).filter { $0 != "_" }, radix: 16) : nil)
        guard !value.isQuoted, let integer else {
            guard let bytes = PipelineValue.parseHexBytes(text) else { throw value.error(.notHexBytes(text)) }
            if let size, bytes.count != size {
                throw value.error(.sizeMismatch(byteCount: bytes.count, declared: size, key: sizeKey))
            }
            return bytes
        }
        if text.count > 1, text.hasPrefix("0"), !isHex { throw value.error(.ambiguousLeadingZero(text)) }
        let byteCount = size ?? 4
        let isNegative = text.hasPrefix("-")
        if byteCount < 8 {
            let bits = UInt64(8 * byteCount)
            let fits = isNegative ? Int64(bitPattern: integer) >= -(1 << (bits - 1)) : integer >> bits == 0
            guard fits else { throw value.error(.integerTooWide(text, byteCount: byteCount)) }
        }
        return (0..<byteCount).map { i in
            i < 8 ? UInt8(truncatingIfNeeded: integer >> UInt64(8 * i)) : isNegative ? 0xff : 0
        }
    }
}
