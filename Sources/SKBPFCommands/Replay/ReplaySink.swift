import Datapath
import PacketBuffer
import PacketIO

/// One output capture and the link type its records carry.
final class OutputCapture {
    let path: String
    var writer: PcapWriter
    let linkLayer: LinkLayer

    init(path: String, linkType: LinkType) throws(CommandFailure) {
        do { writer = try PcapWriter(path: path, linkType: linkType) } catch { throw .usage("\(error)") }
        self.path = path
        linkLayer = LinkLayer(linkType)
    }

    var packetCount: Int { writer.packetCount }
}

/// The replay's outputs: a capture per device that sends (`<device>.pcap`, created at its first
/// packet), `dropped.pcap` and `local.pcap`, every record with the input packet's timestamp.
///
/// Link types: a device with a link header writes Ethernet; an L3 device the input's link type
/// when that can carry both IP versions (RAW, LINUX_SLL/SLL2, NULL, LOOP), else RAW (the IPV4
/// and IPV6 link types carry one version, and a program may change it). `dropped.pcap` and
/// `local.pcap` keep the input's link type (RAW in the IPV4/IPV6 case); a header the packet
/// lost on the way (an Ethernet header at an L3 hook) is written back with the addresses the
/// packet arrived with.
///
/// Without a directory (`replay --filter E --matched-out F` and no `--out-dir`: tcpdump's
/// `-r -w` use) the sink writes nothing; the datapath still counts every packet's fate.
final class ReplaySink: PacketSink {
    let directory: String?
    let inputLinkType: LinkType
    let deviceNames: [String]
    let deviceLinkTypes: [LinkType]
    private var deviceFiles: [OutputCapture?]
    let dropped: OutputCapture?
    let local: OutputCapture?

    /// The current input packet: its timestamp, the bytes its capture cut off, and the link
    /// header fields it came with (for headers written back).
    var timestamp = PcapTimestamp(seconds: 0, nanoseconds: 0)
    var missingByteCount = 0
    var linkHeader = SyntheticLinkHeader()
    /// Set while the current packet is one the link layer could not parse: written as read.
    var isUnparsed = false
    /// Packets that could not be written (a header that does not fit the output's link type),
    /// and the first write error.
    private(set) var unwritable = 0
    private(set) var failure: PacketIOError?

    init(directory: String?, inputLinkType: LinkType, devices: [DeviceConfiguration]) throws(CommandFailure) {
        self.directory = directory
        self.inputLinkType = inputLinkType
        deviceNames = devices.map(\.name)
        let layer3Type = Self.layer3LinkType(for: inputLinkType)
        deviceLinkTypes = devices.map { $0.hasLinkHeader ? .ethernet : layer3Type }
        deviceFiles = [OutputCapture?](repeating: nil, count: devices.count)
        guard let directory else {
            dropped = nil
            local = nil
            return
        }
        let sideType: LinkType = LinkLayer(inputLinkType).isSupported ? (inputLinkType == .ethernet ? .ethernet : layer3Type) : inputLinkType
        // A link type libpcap cannot write (a reserved field set, say) is kept as private-use
        // USER0 (147): the unparsed bytes stay readable as what they are.
        let dropped: OutputCapture
        do {
            dropped = try OutputCapture(path: directory + "/dropped.pcap", linkType: sideType)
        } catch {
            dropped = try OutputCapture(path: directory + "/dropped.pcap", linkType: .other(147))
        }
        self.dropped = dropped
        local = try OutputCapture(path: directory + "/local.pcap", linkType: dropped.linkLayer.linkType)
    }

    static func layer3LinkType(for input: LinkType) -> LinkType {
        switch input {
        case .raw, .linuxSLL, .linuxSLL2, .null, .loop: input
        default: .raw
        }
    }

    /// The capture of device `index`, if it sent anything.
    func capture(ofDevice index: Int) -> OutputCapture? { deviceFiles[index] }

    func transmit(_ skb: SkBuff, device: Int) {
        guard let directory else { return }
        if deviceFiles[device] == nil {
            do {
                deviceFiles[device] = try OutputCapture(path: "\(directory)/\(deviceNames[device]).pcap", linkType: deviceLinkTypes[device])
            } catch {
                if failure == nil { failure = PacketIOError(path: "\(directory)/\(deviceNames[device]).pcap", .cannotOpen(message: error.message)) }
                unwritable += 1
                return
            }
        }
        write(skb, to: deviceFiles[device]!, atLinkHeader: deviceLinkTypes[device] == .ethernet)
    }

    func deliver(_ skb: SkBuff, socket: Int?) {
        if let local { write(skb, to: local, atLinkHeader: false) }
    }

    func drop(_ skb: SkBuff, reason: DropReason, hook: HookPoint?, atLinkHeader: Bool) {
        guard let dropped else { return }
        if isUnparsed {
            append(skb, to: dropped)
        } else {
            write(skb, to: dropped, atLinkHeader: atLinkHeader)
        }
    }

    /// Writes `skb` with the link header `output` needs, leaving `skb` as it was.
    private func write(_ skb: SkBuff, to output: OutputCapture, atLinkHeader: Bool) {
        let wantsEthernet = output.linkLayer.linkType == .ethernet
        if atLinkHeader == wantsEthernet && (atLinkHeader || output.linkLayer.linkType == .raw) {
            append(skb, to: output)
            return
        }
        // Strip an Ethernet header the output does not carry, then add the output's header.
        var stripped = 0
        if atLinkHeader {
            stripped = max(0, min(skb.networkHeaderOffsetFromData ?? 14, skb.length))
            skb.pull(stripped)
        }
        let saved = (skb.metadata.pointee.macHeaderOffset, skb.metadata.pointee.networkHeaderOffset, skb.metadata.pointee.macLength)
        do {
            let pushed = try output.linkLayer.pushHeader(onto: skb, networkProtocol: EtherType(skb.etherType), options: linkHeader)
            append(skb, to: output)
            skb.pull(pushed)
        } catch {
            unwritable += 1
        }
        (skb.metadata.pointee.macHeaderOffset, skb.metadata.pointee.networkHeaderOffset, skb.metadata.pointee.macLength) = saved
        if stripped > 0 { skb.push(stripped) }
    }

    @inline(__always)
    private func append(_ skb: SkBuff, to output: OutputCapture) {
        do {
            try output.writer.write(skb, timestamp: timestamp, originalLength: skb.length + missingByteCount)
        } catch {
            if failure == nil { failure = error }
            unwritable += 1
        }
    }

    /// Flushes and closes every output; the first error, if any.
    func close() -> PacketIOError? {
        for capture in ([dropped, local] + deviceFiles).compactMap({ $0 }) {
            do { try capture.writer.flush() } catch { if failure == nil { failure = error } }
        }
        return failure
    }
}
