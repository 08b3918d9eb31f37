import ClassicBPF

// Our own classic BPF vectors: every opcode, every ancillary load, packet loads in and out of
// range and through the header areas, each with the frame it runs on (as a packet socket on the
// loopback device receives it, see ClassicFixture.loopbackBuffer) and the value the filter must
// return, worked out by hand. Most end in `expect(v)`: 77 when A is v, else 99, so a wrong value
// shows in the kernel's answer too (a packet socket delivers min(frame length, return value)).

typealias C = ClassicInstruction

/// One vector: a program, the frame it sees, and what it returns.
struct ClassicVector: Sendable, CustomStringConvertible {
    var name: String
    var program: [ClassicInstruction]
    var frame: [UInt8] = Frames.tcp4
    var mark: UInt32 = 0
    /// Whether the packet is on a device (ifindex 1, lo); false: ifindex 0, as a packet no
    /// device holds.
    var isOnDevice = true
    /// The return value (0: the packet is dropped).
    var result: UInt32
    /// Whether the kernel gives the same answer on lo (false for values that are the machine's
    /// or the run's: the CPU, random numbers, a packet without a device).
    var isKernelComparable = true
    var description: String { name }
}

/// `jeq #value, 0, 1; ret #77; ret #99`: 77 exactly when A == value.
func expect(_ value: UInt32) -> [ClassicInstruction] { [.jeq(value, jt: 0, jf: 1), .ret(77), .ret(99)] }

/// The frames the vectors run on.
enum Frames {
    static let ethernetHost: [UInt8] = [0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]

    /// 94 bytes: Ethernet to lo (all-zero destination), IPv4 10.0.0.1 > 10.0.0.2, TCP 0x1234 > 80
    /// SYN, 40 payload bytes 0, 1, 2 … 39 (so P[54 + i] == i).
    static let tcp4: [UInt8] = ethernetHost + [0x08, 0x00]
        + [0x45, 0x00, 0x00, 0x50, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2]
        + [0x12, 0x34, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]
        + (0..<40).map { UInt8($0) }

    /// IPv4 UDP 1000 > 53 with 8 payload bytes (50 bytes).
    static let udp4: [UInt8] = ethernetHost + [0x08, 0x00]
        + [0x45, 0x00, 0x00, 0x24, 0, 1, 0, 0, 0x40, 0x11, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        + [0x03, 0xe8, 0x00, 0x35, 0x00, 0x10, 0, 0] + [UInt8](repeating: 0xab, count: 8)

    /// `udp4` with its source MAC's place after an 802.1Q tag (TCI 0x2005) before the type: lo
    /// takes the tag out of the bytes into `vlan_tci`, as a device with VLAN offload would.
    static let vlanUDP4: [UInt8] = ethernetHost + [0x81, 0x00, 0x20, 0x05] + Array(udp4[12...])

    /// IPv4 ICMP echo request (42 bytes).
    static let icmp4: [UInt8] = ethernetHost + [0x08, 0x00]
        + [0x45, 0, 0, 0x1c, 0, 2, 0, 0, 0x40, 0x01, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2] + [8, 0, 0, 0, 0, 1, 0, 1]

    /// A later IPv4 fragment of a UDP datagram (offset 8 units): no transport header in it.
    static let fragment4: [UInt8] = ethernetHost + [0x08, 0x00]
        + [0x45, 0, 0, 0x24, 0, 3, 0x00, 0x08, 0x40, 0x11, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2] + [UInt8](repeating: 7, count: 16)

    /// IPv6 with a hop-by-hop header (8 bytes), then UDP (78 bytes).
    static let udp6HopByHop: [UInt8] = ethernetHost + [0x86, 0xdd]
        + [0x60, 0, 0, 0, 0x00, 0x18, 0x00, 0x40] + [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [2]
        + [0x11, 0x00, 1, 4, 0, 0, 0, 0]
        + [0x03, 0xe8, 0x00, 0x35, 0x00, 0x10, 0, 0] + [UInt8](repeating: 0xcd, count: 8)

    /// An ARP request (42 bytes), to the broadcast address.
    static let arpBroadcast: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06]
        + [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]

    /// `udp4` sent to a multicast MAC address, and to another host's address.
    static let multicastUDP4: [UInt8] = [0x01, 0x00, 0x5e, 0, 0, 1] + Array(udp4[6...])
    static let otherHostUDP4: [UInt8] = [0x02, 0, 0, 0, 0, 9] + Array(udp4[6...])

    /// EtherType 0x88b5 (local experimental), then netlink attributes (host order) at offset 14:
    /// [len 8, type 1, 4 bytes] [len 6, type 2, 2 bytes + pad] [len 16, type 3 | NLA_F_NESTED:
    ///   [len 8, type 7, 4 bytes] [len 4, type 9]] [len 4, type 5]  = 50 bytes.
    static let netlinkAttributes: [UInt8] = ethernetHost + [0x88, 0xb5]
        + [8, 0, 1, 0, 0xaa, 0xbb, 0xcc, 0xdd]
        + [6, 0, 2, 0, 0x11, 0x22, 0, 0]
        + [16, 0, 3, 0x80, 8, 0, 7, 0, 1, 2, 3, 4, 4, 0, 9, 0]
        + [4, 0, 5, 0]
}

/// The vectors. `SKF_*` offsets as `k`: AncillaryField.networkHeaderBase + n, linkHeaderBase + n.
enum ClassicVectors {
    static let net = AncillaryField.networkHeaderBase, link = AncillaryField.linkHeaderBase

    static let loads: [ClassicVector] = [
        ClassicVector(name: "ld [k]: a word, big-endian", program: [.ld(62)] + expect(0x0809_0a0b), result: 77),
        ClassicVector(name: "ldh [k]", program: [.ldh(36)] + expect(80), result: 77),
        ClassicVector(name: "ldb [k]", program: [.ldb(23)] + expect(6), result: 77),
        ClassicVector(name: "ldb [k]: the last byte", program: [.ldb(93)] + expect(39), result: 77),
        ClassicVector(name: "ld [k]: one byte past the end drops", program: [.ld(91), .ret(50)], result: 0),
        ClassicVector(name: "ldh [k]: past the end drops", program: [.ldh(93), .ret(50)], result: 0),
        ClassicVector(name: "ldb [k]: far past the end drops", program: [.ldb(0x7fff_0000), .ret(50)], result: 0),
        ClassicVector(name: "ld [x + k]", program: [.ldxImm(50), .ldInd(12)] + expect(0x0809_0a0b), result: 77),
        ClassicVector(name: "ldh [x + k]", program: [.ldxImm(14), .ldhInd(22)] + expect(80), result: 77),
        ClassicVector(name: "ldb [x + k]", program: [.ldxImm(20), .ldbInd(3)] + expect(6), result: 77),
        ClassicVector(name: "ldb [x + k]: past the end drops", program: [.ldxImm(90), .ldbInd(4), .ret(50)], result: 0),
        ClassicVector(name: "ldb [x + k]: x + k wraps as a signed 32-bit sum", program: [.ldxImm(0xffff_ffff), .ldbInd(24)] + expect(6),
                      result: 77),
        ClassicVector(name: "ld #len", program: [.ldLen] + expect(94), result: 77),
        ClassicVector(name: "ldx #len", program: [.ldxLen, .txa] + expect(94), result: 77),
        ClassicVector(name: "ld #k", program: [.ldImm(0x1234_5678)] + expect(0x1234_5678), result: 77),
        ClassicVector(name: "ldx #k", program: [.ldxImm(5), .txa] + expect(5), result: 77),
        ClassicVector(name: "st M[k], ld M[k]", program: [.ldImm(11), .st(3), .ldImm(0), .ldMem(3)] + expect(11), result: 77),
        ClassicVector(name: "stx M[k], ldx M[k]", program: [.ldxImm(13), .stx(15), .ldxImm(0), .ldxMem(15), .txa] + expect(13),
                      result: 77),
        ClassicVector(name: "scratch words are separate", program: [.ldImm(1), .st(0), .ldImm(2), .st(1), .ldMem(0)] + expect(1),
                      result: 77),
        ClassicVector(name: "ldxb 4*([k]&0xf)", program: [.ldxMsh(14), .txa] + expect(20), result: 77),
        ClassicVector(name: "ldxb 4*([k]&0xf) keeps A", program: [.ldImm(33), .ldxMsh(14)] + expect(33), result: 77),
        ClassicVector(name: "ldxb 4*([k]&0xf) past the end drops", program: [.ldxMsh(94), .ret(50)], result: 0),
        ClassicVector(name: "ldb [SKF_NET_OFF + 9]: the IP protocol", program: [.ldb(net + 9)] + expect(6), result: 77),
        ClassicVector(name: "ldh [SKF_LL_OFF + 12]: the EtherType", program: [.ldh(link + 12)] + expect(0x0800), result: 77),
        ClassicVector(name: "ldb [x + SKF_NET_OFF]", program: [.ldxImm(9), .ldbInd(net)] + expect(6), result: 77),
        ClassicVector(name: "ld [SKF_NET_OFF + k] past the end drops", program: [.ld(net + 78), .ret(50)], result: 0),
        ClassicVector(name: "ldb below SKF_LL_OFF drops", program: [.ldb(link &- 1), .ret(50)], result: 0),
    ]

    static let arithmetic: [ClassicVector] = {
        func alu(_ name: String, _ body: [ClassicInstruction], _ value: UInt32) -> ClassicVector {
            ClassicVector(name: name, program: [.ldImm(100), .ldxImm(7)] + body + expect(value), result: 77)
        }
        return [
            alu("add #k", [.alu(.add, 5)], 105),
            alu("add x", [.aluX(.add)], 107),
            alu("sub #k", [.alu(.sub, 1)], 99),
            alu("sub x", [.aluX(.sub)], 93),
            alu("sub wraps at 32 bits", [.alu(.sub, 101)], 0xffff_ffff),
            alu("mul #k", [.alu(.mul, 3)], 300),
            alu("mul x", [.aluX(.mul)], 700),
            alu("mul wraps at 32 bits", [.ldImm(0x1_0000), .alu(.mul, 0x1_0001)], 0x1_0000),
            alu("div #k", [.alu(.div, 7)], 14),
            alu("div x", [.aluX(.div)], 14),
            alu("div is unsigned", [.ldImm(0xffff_fffe), .alu(.div, 2)], 0x7fff_ffff),
            alu("mod #k", [.alu(.mod, 7)], 2),
            alu("mod x", [.aluX(.mod)], 2),
            alu("and #k", [.alu(.and, 0x2c)], 0x24),
            alu("and x", [.aluX(.and)], 4),
            alu("or #k", [.alu(.or, 0x103)], 0x167),
            alu("or x", [.aluX(.or)], 103),
            alu("xor #k", [.alu(.xor, 0xff)], 0x9b),
            alu("xor x", [.aluX(.xor)], 99),
            alu("lsh #k", [.alu(.lsh, 4)], 1600),
            alu("lsh x", [.aluX(.lsh)], 12_800),
            alu("lsh x by 33 uses the count's low 5 bits (Linux)", [.ldxImm(33), .aluX(.lsh)], 200),
            alu("rsh #k", [.alu(.rsh, 2)], 25),
            alu("rsh x", [.ldxImm(3), .aluX(.rsh)], 12),
            alu("rsh x by 32 uses the count's low 5 bits (Linux)", [.ldxImm(32), .aluX(.rsh)], 100),
            alu("rsh is logical", [.ldImm(0x8000_0000), .alu(.rsh, 31)], 1),
            alu("neg", [.neg], 0xffff_ff9c),
            alu("tax", [.tax, .ldImm(0), .txa], 100),
            alu("txa", [.txa], 7),
            ClassicVector(name: "div x by 0 drops", program: [.ldImm(100), .ldxImm(0), .aluX(.div), .ret(50)], result: 0),
            ClassicVector(name: "mod x by 0 drops", program: [.ldImm(100), .ldxImm(0), .aluX(.mod), .ret(50)], result: 0),
        ]
    }()

    static let jumps: [ClassicVector] = {
        func branch(_ name: String, a: UInt32, _ jump: ClassicInstruction, _ result: UInt32) -> ClassicVector {
            // jump's jt/jf select among: ret #10 (+0), ret #20 (+1), ret #30 (+2)
            ClassicVector(name: name, program: [.ldImm(a), .ldxImm(40), jump, .ret(10), .ret(20), .ret(30)], result: result)
        }
        return [
            ClassicVector(name: "ja", program: [.ja(1), .ret(9), .ret(77)], result: 77),
            ClassicVector(name: "ja 0", program: [.ja(0), .ret(77)], result: 77),
            branch("jeq #k true", a: 40, .jeq(40, jt: 1, jf: 2), 20),
            branch("jeq #k false", a: 41, .jeq(40, jt: 1, jf: 2), 30),
            branch("jeq #k, jt 0", a: 41, .jeq(40, jt: 0, jf: 2), 30),
            branch("jeq #k, jf 0", a: 40, .jeq(40, jt: 2, jf: 0), 30),
            branch("jeq #k, both 0", a: 40, .jeq(40, jt: 0, jf: 0), 10),
            branch("jeq x", a: 40, .jumpX(.equal, jt: 2, jf: 1), 30),
            branch("jgt #k", a: 41, .jgt(40, jt: 1, jf: 2), 20),
            branch("jgt #k equal is false", a: 40, .jgt(40, jt: 1, jf: 2), 30),
            branch("jgt x", a: 39, .jumpX(.greater, jt: 1, jf: 0), 10),
            branch("jge #k", a: 40, .jge(40, jt: 1, jf: 2), 20),
            branch("jge #k, jt 0", a: 39, .jge(40, jt: 0, jf: 1), 20),
            branch("jge x", a: 40, .jumpX(.greaterOrEqual, jt: 2, jf: 1), 30),
            branch("jset #k", a: 0x41, .jset(0x40, jt: 1, jf: 2), 20),
            branch("jset #k clear, jt 0", a: 0x41, .jset(0x02, jt: 0, jf: 2), 30),
            branch("jset x", a: 0x28, .jumpX(.set, jt: 1, jf: 0), 20),
            branch("jgt compares unsigned (k with bit 31)", a: 5, .jgt(0xffff_fff0, jt: 1, jf: 2), 30),
            branch("jgt above 2^31", a: 0x8000_0001, .jgt(0x8000_0000, jt: 1, jf: 2), 20),
            branch("jeq #0xffffffff", a: 0xffff_ffff, .jeq(0xffff_ffff, jt: 1, jf: 2), 20),
            branch("jset #0x80000000", a: 0x8000_0000, .jset(0x8000_0000, jt: 2, jf: 1), 30),
        ]
    }()

    static let returns: [ClassicVector] = [
        ClassicVector(name: "ret #k trims", program: [.ret(40)], result: 40),
        ClassicVector(name: "ret #0 drops", program: [.ret(0)], result: 0),
        ClassicVector(name: "ret a (0 at start) drops", program: [.retA], result: 0),
        ClassicVector(name: "ret a", program: [.ldImm(60), .retA], result: 60),
        ClassicVector(name: "ret #0xffffffff keeps everything", program: [.ret(0xffff_ffff)], result: 0xffff_ffff),
    ]

    static func ancillary(_ field: AncillaryField) -> ClassicInstruction { .ld(field) }

    static let ancillaryLoads: [ClassicVector] = [
        ClassicVector(name: "protocol: IPv4", program: [ancillary(.protocol)] + expect(0x0800), result: 77),
        ClassicVector(name: "protocol: ARP", program: [ancillary(.protocol)] + expect(0x0806), frame: Frames.arpBroadcast, result: 77),
        ClassicVector(name: "protocol: inside an offloaded VLAN tag", program: [ancillary(.protocol)] + expect(0x0800),
                      frame: Frames.vlanUDP4, result: 77),
        ClassicVector(name: "pkttype: host", program: [ancillary(.packetType)] + expect(0), result: 77),
        ClassicVector(name: "pkttype: broadcast", program: [ancillary(.packetType)] + expect(1), frame: Frames.arpBroadcast, result: 77),
        ClassicVector(name: "pkttype: multicast", program: [ancillary(.packetType)] + expect(2), frame: Frames.multicastUDP4, result: 77),
        ClassicVector(name: "pkttype: other host", program: [ancillary(.packetType)] + expect(3), frame: Frames.otherHostUDP4, result: 77),
        ClassicVector(name: "ifindex", program: [ancillary(.ifindex)] + expect(1), result: 77),
        ClassicVector(name: "mark", program: [ancillary(.mark)] + expect(7), mark: 7, result: 77),
        ClassicVector(name: "queue", program: [ancillary(.queue)] + expect(0), result: 77),
        ClassicVector(name: "hatype: loopback", program: [ancillary(.hardwareType)] + expect(772), result: 77),
        ClassicVector(name: "rxhash: none computed", program: [ancillary(.receiveHash)] + expect(0), result: 77),
        ClassicVector(name: "alu_xor_x", program: [.ldImm(0xf0), .ldxImm(0x3c), ancillary(.xorX)] + expect(0xcc), result: 77),
        ClassicVector(name: "vlan_tci", program: [ancillary(.vlanTag)] + expect(0x2005), frame: Frames.vlanUDP4, result: 77),
        ClassicVector(name: "vlan_tci: untagged", program: [ancillary(.vlanTag)] + expect(0), result: 77),
        ClassicVector(name: "vlan_avail", program: [ancillary(.vlanTagPresent)] + expect(1), frame: Frames.vlanUDP4, result: 77),
        ClassicVector(name: "vlan_avail: untagged", program: [ancillary(.vlanTagPresent)] + expect(0), result: 77),
        ClassicVector(name: "vlan_tpid", program: [ancillary(.vlanProtocol)] + expect(0x8100), frame: Frames.vlanUDP4, result: 77),
        ClassicVector(name: "vlan_tpid: untagged", program: [ancillary(.vlanProtocol)] + expect(0), result: 77),
        ClassicVector(name: "vlan: the tag is out of the bytes", program: [.ldh(12)] + expect(0x0800), frame: Frames.vlanUDP4, result: 77),
        ClassicVector(name: "poff: TCP", program: [ancillary(.payloadOffset)] + expect(54), result: 77),
        ClassicVector(name: "poff: UDP", program: [ancillary(.payloadOffset)] + expect(42), frame: Frames.udp4, result: 77),
        ClassicVector(name: "poff: ICMP", program: [ancillary(.payloadOffset)] + expect(42), frame: Frames.icmp4, result: 77),
        ClassicVector(name: "poff: a later fragment stops at the IP header", program: [ancillary(.payloadOffset)] + expect(34),
                      frame: Frames.fragment4, result: 77),
        ClassicVector(name: "poff: IPv6, hop-by-hop, UDP", program: [ancillary(.payloadOffset)] + expect(70),
                      frame: Frames.udp6HopByHop, result: 77),
        ClassicVector(name: "poff: ARP", program: [ancillary(.payloadOffset)] + expect(14), frame: Frames.arpBroadcast, result: 77),
        ClassicVector(name: "poff: offloaded VLAN, UDP", program: [ancillary(.payloadOffset)] + expect(42), frame: Frames.vlanUDP4,
                      result: 77),
        ClassicVector(name: "poff: unknown protocol is 0", program: [ancillary(.payloadOffset)] + expect(0),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nla: second attribute", program: [.ldImm(14), .ldxImm(2), ancillary(.netlinkAttribute)] + expect(22),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nla: type flags ignored", program: [.ldImm(14), .ldxImm(3), ancillary(.netlinkAttribute)] + expect(30),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nla: missing type is 0", program: [.ldImm(14), .ldxImm(8), ancillary(.netlinkAttribute)] + expect(0),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nla: start past the end is 0", program: [.ldImm(200), .ldxImm(1), ancillary(.netlinkAttribute)] + expect(0),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nlan: inside the nested attribute",
                      program: [.ldImm(30), .ldxImm(9), ancillary(.nestedNetlinkAttribute)] + expect(42),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "nlan: outside the nest is not searched",
                      program: [.ldImm(30), .ldxImm(5), ancillary(.nestedNetlinkAttribute)] + expect(0),
                      frame: Frames.netlinkAttributes, result: 77),
        ClassicVector(name: "ancillary loads of any width", program: [.ldb(AncillaryField.protocol.k)] + expect(0x0800), result: 77),
        ClassicVector(name: "ifindex without a device returns A", program: [.ldImm(55), ancillary(.ifindex), .ret(99)],
                      isOnDevice: false, result: 55, isKernelComparable: false),
        ClassicVector(name: "hatype without a device returns A", program: [.ldImm(56), ancillary(.hardwareType), .ret(99)],
                      isOnDevice: false, result: 56, isKernelComparable: false),
        ClassicVector(name: "cpu: worker 0", program: [ancillary(.cpu)] + expect(0), result: 77, isKernelComparable: false),
        ClassicVector(name: "random", program: [ancillary(.random), .ret(77)], result: 77),
    ]

    static let all = loads + arithmetic + jumps + returns + ancillaryLoads
}
