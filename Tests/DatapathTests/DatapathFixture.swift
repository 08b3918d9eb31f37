import BPFABI
import BPFISA
import BPFVM
import BPFVerifier
import Datapath
import PacketBuffer
import Testing

// What the datapath tests share: verified programs wrapped as attachments, a sink that keeps
// copies of what it is handed, packet builders (IPv4 UDP/TCP/ICMP, IPv6 UDP, Ethernet with an
// optional 802.1Q tag, ARP) with checksums computed here independently of the engine, and the
// frame preparation the replay command does before `Datapath.receive`.
//
//   frame bytes ─► SkBuff (headroom 128) ─► mac/network headers, protocol ─► receive(on:) ─► sink

/// Programs, topologies and frames for the datapath tests.
enum DatapathFixture {
    // MARK: Programs

    /// Assembles `source` (LLVM syntax), verifies it as `type` and makes a native interpreter of
    /// the verified program, as `skbpf replay` loads one.
    static func interpreter(_ source: String, type: ProgramType = .schedCls) throws -> Interpreter {
        let program = try Assembler.assemble(source, dialect: .llvm)
        let report = try Verifier.verify(program, type: type)
        let executable = try ExecutableProgram(program, mode: .unchecked, programType: type, verification: report)
        return Interpreter(program: executable, engine: .native)
    }

    /// An unverified program run checked: what `--no-verify` loads; a bad access is a fault.
    static func unverifiedInterpreter(_ source: String, type: ProgramType = .schedCls) throws -> Interpreter {
        let program = try Assembler.assemble(source, dialect: .llvm)
        return Interpreter(program: try ExecutableProgram(program, mode: .checked, programType: type))
    }

    /// A loaded program at `hook` (verified and native unless `isVerified` is false).
    static func attachment(_ source: String, at hook: HookPoint, type: ProgramType = .schedCls, priority: Int = 0,
                           device: String? = nil, socket: String? = nil, name: String? = nil,
                           isVerified: Bool = true) throws -> ProgramAttachment {
        let specification = AttachmentSpecification(hook: hook, programPath: name ?? "\(hook).s", priority: priority,
                                                     device: device, socket: socket)
        return try ProgramAttachment(name: name ?? "\(hook).s", specification: specification,
                                     interpreter: isVerified ? interpreter(source, type: type)
                                         : unverifiedInterpreter(source, type: type))
    }

    /// `r0 = code; exit`: a tc verdict.
    static func returning(_ code: Int32) -> String { "r0 = \(code)\nexit" }

    /// Sets `skb->mark` to `mark`, returns `code`. (Immediate stores into the context are refused
    /// by the verifier, as by the kernel's: the value goes through a register.)
    static func settingMark(_ mark: UInt32, returning code: Int32 = 0) -> String {
        """
        r2 = \(mark)
        *(u32 *)(r1 + \(Offset.mark)) = r2
        r0 = \(code)
        exit
        """
    }

    /// Passes (0) when `skb->mark == mark`, else drops (2).
    static func requiringMark(_ mark: UInt32) -> String {
        """
        r2 = *(u32 *)(r1 + \(Offset.mark))
        r0 = 0
        if r2 == \(mark) goto done
        r0 = 2
        done:
        exit
        """
    }

    /// `struct __sk_buff` offsets the programs use (checked against the ABI by a test).
    enum Offset {
        static let mark = 8
        static let `protocol` = 16
        static let vlanPresent = 20
        static let vlanTCI = 24
        static let priority = 32
        static let ingressIfindex = 36
        static let ifindex = 40
        static let data = 76
        static let dataEnd = 80
    }

    /// Helper ids the programs call (checked against the ABI by a test).
    enum Helper {
        static let cloneRedirect: Int32 = 13
        static let redirect: Int32 = 23
        static let changeProto: Int32 = 31
    }

    /// `BPF_F_INGRESS`.
    static let ingressFlag: UInt64 = 1

    // MARK: Topologies

    /// Addresses of the local topology.
    static let localAddress = "10.0.0.1"
    static let localAddress6 = "2001:db8::1"
    static let neighbour = "10.0.0.2"
    static let neighbour6 = "2001:db8::2"
    static let remote = "192.168.1.1"

    /// MTU of `out` in the local topology.
    static let localOutMTU = 1000

    /// Sockets of the local topology: udp/53 (any address), tcp/80, the UDP echo service on
    /// 10.0.0.1:7.
    static let localSockets = [
        SocketConfiguration(transport: .udp, port: 53),
        SocketConfiguration(transport: .tcp, port: 80),
        SocketConfiguration(transport: .udp, port: 7, address: IPAddress(localAddress)!, isEcho: true),
    ]

    /// `in` (Ethernet) owns 10.0.0.1/24 and 2001:db8::1/64; `out` (Ethernet, MTU 1000) carries
    /// 192.168.0.0/16 and 2001:db8:2::/48; no default route.
    static func localConfiguration(sockets: [SocketConfiguration] = localSockets) -> DatapathConfiguration {
        DatapathConfiguration(
            devices: [
                DeviceConfiguration(name: "in", hasLinkHeader: true,
                                    addresses: [IPPrefix("\(localAddress)/24")!, IPPrefix("\(localAddress6)/64")!]),
                DeviceConfiguration(name: "out", hasLinkHeader: true, mtu: localOutMTU),
            ],
            routes: [
                RouteConfiguration(prefix: IPPrefix("192.168.0.0/16")!, device: "out"),
                RouteConfiguration(prefix: IPPrefix("2001:db8:2::/48")!, device: "out"),
            ],
            sockets: sockets)
    }

    /// `replayDefault` with more Ethernet devices after `in` and `out` (no routes to them).
    static func defaultConfiguration(extraDevices: [String] = []) -> DatapathConfiguration {
        var configuration = DatapathConfiguration.replayDefault(inputHasLinkHeader: true)
        for name in extraDevices { configuration.devices.append(DeviceConfiguration(name: name, hasLinkHeader: true)) }
        return configuration
    }

    // MARK: Delivering frames

    /// Prepares `frame` as the replay command does and hands it to `datapath` on `device`:
    /// Ethernet devices get data at the link header with the network header 14 bytes in and
    /// `protocol` from the EtherType (0x8100 for a tagged frame: the datapath untags it); L3
    /// devices get data at the network header, no MAC header, `protocol` from the IP version.
    @discardableResult
    static func deliver(_ frame: [UInt8], on device: String, to datapath: Datapath) -> PacketFate {
        let index = datapath.deviceIndex(named: device)!
        let skb = SkBuff(capacity: 4096, headroom: 128)
        let loaded = frame.withUnsafeBytes { skb.load($0, headroom: 128) }
        precondition(loaded, "test frame larger than the buffer")
        if datapath.devices[index].hasLinkHeader {
            skb.resetMacHeader()
            skb.setNetworkHeader(offsetFromData: 14)
            skb.resetMacLength()
            skb.etherType = Bytes.be16(frame, 12)
        } else {
            skb.resetNetworkHeader()
            skb.unsetMacHeader()
            skb.etherType = frame[0] >> 4 == 6 ? 0x86DD : 0x0800
        }
        return datapath.receive(skb, on: index)
    }
}

/// A datapath and the sink it reports to.
struct TestNetwork {
    let datapath: Datapath
    let sink: RecordingSink

    init(_ configuration: DatapathConfiguration, _ attachments: [ProgramAttachment] = []) throws {
        sink = RecordingSink()
        datapath = try Datapath(configuration: configuration, attachments: attachments, sink: sink)
    }

    @discardableResult
    func send(_ frame: [UInt8], on device: String = "in") -> PacketFate {
        DatapathFixture.deliver(frame, on: device, to: datapath)
    }

    func device(_ name: String) -> Int { datapath.deviceIndex(named: name)! }
    var trail: PacketTrail { datapath.lastTrail }
    var totals: DatapathTotals { datapath.totals }
}

// MARK: - Sink

/// A sink that copies every packet it is handed, with where it went and the fields it had.
final class RecordingSink: PacketSink {
    enum Event: Hashable, Sendable {
        case transmitted(device: Int)
        case delivered(socket: Int?)
        case dropped(DropReason, hook: HookPoint?, atLinkHeader: Bool)
    }

    struct Record: Hashable, Sendable {
        var event: Event
        var bytes: [UInt8]
        var mark: UInt32
        var priority: UInt32
        var etherType: UInt16
    }

    private(set) var records: [Record] = []

    var transmitted: [Record] { records.filter { if case .transmitted = $0.event { true } else { false } } }
    var delivered: [Record] { records.filter { if case .delivered = $0.event { true } else { false } } }
    var dropped: [Record] { records.filter { if case .dropped = $0.event { true } else { false } } }
    /// Frames sent out of device `index`.
    func transmitted(on index: Int) -> [[UInt8]] {
        records.filter { $0.event == .transmitted(device: index) }.map(\.bytes)
    }

    private func record(_ event: Event, _ skb: SkBuff) {
        records.append(Record(event: event, bytes: Array(UnsafeRawBufferPointer(start: skb.data, count: skb.length)),
                              mark: skb.mark, priority: skb.priority, etherType: skb.etherType))
    }

    func transmit(_ skb: SkBuff, device: Int) { record(.transmitted(device: device), skb) }
    func deliver(_ skb: SkBuff, socket: Int?) { record(.delivered(socket: socket), skb) }
    func drop(_ skb: SkBuff, reason: DropReason, hook: HookPoint?, atLinkHeader: Bool) {
        record(.dropped(reason, hook: hook, atLinkHeader: atLinkHeader), skb)
    }
}

// MARK: - Packets

/// Byte-level helpers: big-endian fields, addresses, the Internet checksum (RFC 1071).
enum Bytes {
    static func be16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
    static func be64(_ value: UInt64) -> [UInt8] { be32(UInt32(value >> 32)) + be32(UInt32(value & 0xffff_ffff)) }

    /// The 4 or 16 bytes of an address in text.
    static func address(_ text: String) -> [UInt8] {
        let address = IPAddress(text)!
        return address.version == 4 ? be32(address.ipv4) : be64(address.high) + be64(address.low)
    }

    /// 48-bit MAC address as 6 bytes.
    static func mac(_ value: UInt64) -> [UInt8] { Array(be64(value)[2...]) }

    /// The 16-bit ones'-complement sum of `bytes` as big-endian words (odd tail padded), unfolded.
    static func sum(_ bytes: some Collection<UInt8>, _ initial: UInt32 = 0) -> UInt32 {
        var sum = initial
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            sum += UInt32(high) << 8 | UInt32(iterator.next() ?? 0)
        }
        return sum
    }

    /// The checksum of a sum: folded and complemented (0 when the summed bytes carry a valid one).
    static func fold(_ sum: UInt32) -> UInt16 {
        var s = sum
        while s > 0xffff { s = (s & 0xffff) + (s >> 16) }
        return ~UInt16(s)
    }

    static func checksum(_ bytes: some Collection<UInt8>) -> UInt16 { fold(sum(bytes)) }

    /// Pseudo-header sum of a transport segment (RFC 768 / RFC 8200 8.1).
    static func pseudoHeaderSum(source: [UInt8], destination: [UInt8], protocol number: UInt8, length: Int) -> UInt32 {
        sum(source + destination + [0, number] + be16(length))
    }
}

/// Frame and packet builders. Transport checksums are filled in; IPv4 header checksums are
/// valid unless `corruptChecksum`.
enum Packet {
    static let routerMAC: UInt64 = 0x02_aa_aa_aa_aa_01
    static let hostMAC: UInt64 = 0x02_bb_bb_bb_bb_02
    static let defaultPayload: [UInt8] = Array("hello, datapath!".utf8)

    static func udpSegment(source: [UInt8], destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16,
                           payload: [UInt8]) -> [UInt8] {
        let length = 8 + payload.count
        var segment = Bytes.be16(Int(sourcePort)) + Bytes.be16(Int(destinationPort)) + Bytes.be16(length) + [0, 0]
        segment += payload
        var check = Bytes.fold(Bytes.sum(segment, Bytes.pseudoHeaderSum(source: source, destination: destination,
                                                                        protocol: 17, length: length)))
        if check == 0 { check = 0xffff }
        segment[6] = UInt8(check >> 8)
        segment[7] = UInt8(check & 0xff)
        return segment
    }

    /// An IPv4 packet around `transport`.
    static func ipv4(from source: String, to destination: String, protocol number: UInt8, transport: [UInt8],
                     ttl: UInt8 = 64, dontFragment: Bool = false, version: UInt8 = 4,
                     corruptChecksum: Bool = false) -> [UInt8] {
        let totalLength = 20 + transport.count
        var header: [UInt8] = [version << 4 | 5, 0] + Bytes.be16(totalLength) + [0x12, 0x34, dontFragment ? 0x40 : 0, 0,
                                                                                ttl, number, 0, 0]
        header += Bytes.address(source) + Bytes.address(destination)
        var check = Bytes.checksum(header)
        if corruptChecksum { check ^= 0x5a5a }
        header[10] = UInt8(check >> 8)
        header[11] = UInt8(check & 0xff)
        return header + transport
    }

    static func udp4(from source: String = "198.51.100.10", to destination: String = "203.0.113.20",
                     sourcePort: UInt16 = 40_000, destinationPort: UInt16 = 53, payload: [UInt8] = defaultPayload,
                     ttl: UInt8 = 64, dontFragment: Bool = false, corruptChecksum: Bool = false) -> [UInt8] {
        ipv4(from: source, to: destination, protocol: 17,
             transport: udpSegment(source: Bytes.address(source), destination: Bytes.address(destination),
                                   sourcePort: sourcePort, destinationPort: destinationPort, payload: payload),
             ttl: ttl, dontFragment: dontFragment, corruptChecksum: corruptChecksum)
    }

    /// A TCP SYN (20-byte header, no options).
    static func tcp4(from source: String = "198.51.100.10", to destination: String, sourcePort: UInt16 = 40_001,
                     destinationPort: UInt16, payload: [UInt8] = []) -> [UInt8] {
        var segment = Bytes.be16(Int(sourcePort)) + Bytes.be16(Int(destinationPort)) + Bytes.be32(1) + Bytes.be32(0)
            + [5 << 4, 0x02] + Bytes.be16(65_535) + [0, 0, 0, 0] + payload
        let check = Bytes.fold(Bytes.sum(segment, Bytes.pseudoHeaderSum(source: Bytes.address(source),
                                                                       destination: Bytes.address(destination),
                                                                       protocol: 6, length: segment.count)))
        segment[16] = UInt8(check >> 8)
        segment[17] = UInt8(check & 0xff)
        return ipv4(from: source, to: destination, protocol: 6, transport: segment)
    }

    /// An ICMP echo request.
    static func icmp4(from source: String = "198.51.100.10", to destination: String) -> [UInt8] {
        var message: [UInt8] = [8, 0, 0, 0, 0x42, 0x42, 0, 1] + defaultPayload
        let check = Bytes.checksum(message)
        message[2] = UInt8(check >> 8)
        message[3] = UInt8(check & 0xff)
        return ipv4(from: source, to: destination, protocol: 1, transport: message)
    }

    /// An IPv6 UDP packet.
    static func udp6(from source: String = "2001:db8:1::10", to destination: String = "2001:db8:2::20",
                     sourcePort: UInt16 = 40_000, destinationPort: UInt16 = 53, payload: [UInt8] = defaultPayload,
                     hopLimit: UInt8 = 64) -> [UInt8] {
        let segment = udpSegment(source: Bytes.address(source), destination: Bytes.address(destination),
                                 sourcePort: sourcePort, destinationPort: destinationPort, payload: payload)
        return [0x60, 0, 0, 0] + Bytes.be16(segment.count) + [17, hopLimit] + Bytes.address(source)
            + Bytes.address(destination) + segment
    }

    /// An Ethernet frame around `payload`; with `vlanTCI`, one 802.1Q tag after the addresses.
    static func ethernet(_ payload: [UInt8], etherType: UInt16? = nil, destination: UInt64 = routerMAC,
                         source: UInt64 = hostMAC, vlanTCI: UInt16? = nil) -> [UInt8] {
        let type = etherType ?? (payload.first.map { $0 >> 4 == 6 } == true ? 0x86DD : 0x0800)
        var frame = Bytes.mac(destination) + Bytes.mac(source)
        if let vlanTCI { frame += [0x81, 0x00] + Bytes.be16(Int(vlanTCI)) }
        return frame + Bytes.be16(Int(type)) + payload
    }

    /// An ARP request (who has 10.0.0.1, tell 10.0.0.2) in a broadcast frame.
    static func arp() -> [UInt8] {
        let request: [UInt8] = [0, 1, 8, 0, 6, 4, 0, 1] + Bytes.mac(hostMAC) + Bytes.address("10.0.0.2")
            + [0, 0, 0, 0, 0, 0] + Bytes.address("10.0.0.1")
        return ethernet(request, etherType: 0x0806, destination: 0xffff_ffff_ffff)
    }

    // MARK: Reading packets

    /// Whether the IPv4 header at `offset` of `bytes` has a valid checksum.
    static func hasValidIPv4Checksum(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
        let headerLength = Int(bytes[offset] & 0x0f) * 4
        return Bytes.checksum(bytes[offset..<(offset + headerLength)]) == 0
    }

    /// Whether the UDP checksum of the IPv4 or IPv6 packet at `offset` is valid.
    static func hasValidUDPChecksum(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
        let isIPv6 = bytes[offset] >> 4 == 6
        let headerLength = isIPv6 ? 40 : Int(bytes[offset] & 0x0f) * 4
        let addresses = isIPv6 ? (offset + 8, 16) : (offset + 12, 4)
        let source = Array(bytes[addresses.0..<(addresses.0 + addresses.1)])
        let destination = Array(bytes[(addresses.0 + addresses.1)..<(addresses.0 + 2 * addresses.1)])
        let segment = bytes[(offset + headerLength)...]
        let pseudoHeader = Bytes.pseudoHeaderSum(source: source, destination: destination, protocol: 17,
                                                 length: segment.count)
        return Bytes.fold(Bytes.sum(segment, pseudoHeader)) == 0
    }
}
