import BPFABI
import BPFVM
import PacketBuffer
import Testing

/// The helpers that change a packet's structure (vlan push/pop, change_proto, change_tail,
/// change_head, pull_data, adjust_room) and redirect/clone_redirect/get_hash_recalc, checked
/// against what the Linux 6.18 kernel does to the same frames.
///
/// How the expected values were measured: each case's helper calls were compiled as a tc program
/// (clang -target bpf -O2) that stores skb->protocol, vlan_present, vlan_tci, vlan_proto and len
/// into cb[0..4] and returns the helper's r0, then run with
/// `kernel_oracle.py run all.o --prog NAME --packet FRAME.bin`; retval, cb[] and data_out are
/// copied here verbatim. The SkBuff is prepared as a tc test run prepares it (`TestRunFrame`),
/// in a deliberately small buffer so that growing helpers reallocate.
@Suite struct SkBuffStructureHelpersTests {
    typealias H = SkBuffHelpers

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: Frame
        var retval: Int32
        var protocolRaw: UInt16
        var vlanPresent: UInt32
        var vlanTCI: UInt16
        var vlanProtoRaw: UInt16
        var dataOut: [UInt8]
        var body: @Sendable (SkBuff) -> UInt64

        init(_ name: String, _ frame: Frame, retval: Int32, protocol: UInt16, vlanPresent: UInt32, vlanTCI: UInt16,
             vlanProto: UInt16, dataOut: [UInt8], _ body: @escaping @Sendable (SkBuff) -> UInt64) {
            self.name = name
            self.frame = frame
            self.retval = retval
            protocolRaw = `protocol`
            self.vlanPresent = vlanPresent
            self.vlanTCI = vlanTCI
            vlanProtoRaw = vlanProto
            self.dataOut = dataOut
            self.body = body
        }

        var testDescription: String { name }
    }

    static func prepared(_ frame: [UInt8], capacity: Int = 160) throws -> SkBuff {
        let skb = SkBuff(capacity: capacity, headroom: TestRunFrame.headroom)
        try TestRunFrame.prepare(skb, frame: frame, type: .schedCls, context: TestRunContext())
        return skb
    }

    /// Frames the cases run on (tcp4/udp4/icmp4 are Programs/samples; the others built for this suite).
    enum Frame: String, Sendable {
        case tcp4 = "020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000"
        case udp4 = "020000000002020000000001080045000039123440004011147e0a0000010a000002cf0800350025a128abcd01000001000000000000076578616d706c6503636f6d0000010001"
        case icmp4 = "02000000000202000000000108004500002c123440004001149b0a0000010a0000020800ecb300770001736b6270662d70696e672d6461746121"
        case tcp6 = "02000000000202000000000186dd600000000014064020010db800000000000000000000000120010db80000000000000000000000029c40005000000001000000005002ffff00000000"
        case vlan4 = "02000000000202000000000181000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000"
        case qinq4 = "02000000000202000000000188a800c881000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000"
        case arp = "ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002"
        var bytes: [UInt8] { hex(rawValue) }
    }

    // Generated from a table of tc programs: each case body is the program's helper calls
    // transliterated (`bpf_skb_vlan_push(s, bpf_htons(0x8100), 5)` -> `H.vlanPush(s, protocol:
    // be(0x8100), tci: 5)`), the expected values are that program's kernel_oracle.py results on
    // Linux 6.18 (retval, cb[0..4] = protocol/vlan_present/vlan_tci/vlan_proto/len, data_out).
    static let cases: [Case] = [
        Case("vpush1", .tcp4, retval: 0, protocol: 8, vlanPresent: 1, vlanTCI: 291, vlanProto: 129, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 0x0123); return r },
        Case("vpush2", .tcp4, retval: 0, protocol: 129, vlanPresent: 1, vlanTCI: 7, vlanProto: 43144, dataOut: hex("02000000000202000000000181000005080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 5); r = r &* 16 &+ H.vlanPush(s, protocol: be(0x88a8), tci: 7); return r },
        Case("vpushbad", .tcp4, retval: 0, protocol: 8, vlanPresent: 1, vlanTCI: 61453, vlanProto: 129, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x0800), tci: 0xf00d); return r },
        Case("vpushtagged", .vlan4, retval: 0, protocol: 129, vlanPresent: 1, vlanTCI: 257, vlanProto: 129, dataOut: hex("02000000000202000000000181000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 0x0101); return r },
        Case("vpushtagged2", .vlan4, retval: 0, protocol: 129, vlanPresent: 1, vlanTCI: 514, vlanProto: 43144, dataOut: hex("0200000000020200000000018100010181000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 0x0101); r = r &* 16 &+ H.vlanPush(s, protocol: be(0x88a8), tci: 0x0202); return r },
        Case("vpop0", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPop(s); return r },
        Case("vpushpop", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 9); r = r &* 16 &+ H.vlanPop(s); return r },
        Case("vpop1", .vlan4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPop(s); return r },
        Case("vpopq", .qinq4, retval: 0, protocol: 8, vlanPresent: 1, vlanTCI: 100, vlanProto: 129, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPop(s); return r },
        Case("vpopq2", .qinq4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPop(s); r = r &* 16 &+ H.vlanPop(s); return r },
        Case("vpush2pop", .tcp4, retval: 0, protocol: 8, vlanPresent: 1, vlanTCI: 5, vlanProto: 129, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 5); _ = H.vlanPush(s, protocol: be(0x88a8), tci: 7); r = H.vlanPop(s); return r },
        Case("vpush2pop2", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 5); _ = H.vlanPush(s, protocol: be(0x88a8), tci: 7); _ = H.vlanPop(s); r = H.vlanPop(s); return r },
        Case("vpush3", .tcp4, retval: 0, protocol: 43144, vlanPresent: 1, vlanTCI: 3, vlanProto: 129, dataOut: hex("02000000000202000000000188a8000781000005080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.vlanPush(s, protocol: be(0x8100), tci: 5); _ = H.vlanPush(s, protocol: be(0x88a8), tci: 7); r = H.vlanPush(s, protocol: be(0x8100), tci: 3); return r },
        Case("cp46", .tcp4, retval: 0, protocol: 56710, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800000000000000000000000000000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x86dd), flags: 0); return r },
        Case("cp46f", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x86dd), flags: 1); return r },
        Case("cp44", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x0800), flags: 0); return r },
        Case("cp64", .tcp6, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000186dd0000000120010db80000000000000000000000029c40005000000001000000005002ffff00000000")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x0800), flags: 0); return r },
        Case("cpvlan", .vlan4, retval: -524, protocol: 129, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000181000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x86dd), flags: 0); return r },
        Case("cparp", .arp, retval: -524, protocol: 1544, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002")) { s in var r: UInt64 = 0; r = H.changeProtocol(s, protocol: be(0x86dd), flags: 0); return r },
        Case("ct100", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 100, flags: 0); return r },
        Case("ct54", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 54, flags: 0); return r },
        Case("ct30", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a000001")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 30, flags: 0); return r },
        Case("ct14", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 14, flags: 0); return r },
        Case("ct13", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 13, flags: 0); return r },
        Case("ctmax", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e") + zeros(16012)) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 16064, flags: 0); return r },
        Case("ctmax1", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 16065, flags: 0); return r },
        Case("ctf", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeTail(s, length: 60, flags: 1); return r },
        Case("pd0", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.pullData(s, length: 0); return r },
        Case("pd10", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.pullData(s, length: 10); return r },
        Case("pd54", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.pullData(s, length: 54); return r },
        Case("pd55", .tcp4, retval: -12, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.pullData(s, length: 55); return r },
        Case("pdbig", .tcp4, retval: -12, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.pullData(s, length: 0xffffffff); return r },
        Case("ch14", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0000000000000000000000000000020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 14, flags: 0); return r },
        Case("ch0", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 0, flags: 0); return r },
        Case("chf", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 4, flags: 2); return r },
        Case("chneg", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 0x80000000, flags: 0); return r },
        Case("chmax", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: zeros(16010) + hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 16064 - 54, flags: 0); return r },
        Case("chmax1", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.changeHead(s, headroom: 16064 - 53, flags: 0); return r },
        Case("arnet8", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a00000200000000000000009c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 0, flags: 0); return r },
        Case("armac8", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 1, flags: 0); return r },
        Case("arnetm8", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a000002000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 0, flags: 0); return r },
        Case("armacm4", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-4), mode: 1, flags: 0); return r },
        Case("armacm20", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000108009c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-20), mode: 1, flags: 0); return r },
        Case("armacm21", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-21), mode: 1, flags: 0); return r },
        Case("arnetm20", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a000002")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-20), mode: 0, flags: 0); return r },
        Case("armacm40", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-40), mode: 1, flags: 0); return r },
        Case("armode2", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 2, flags: 0); return r },
        Case("arflag", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 0, flags: 1 << 9); return r },
        Case("arbig", .tcp4, retval: -14, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(0x1000), mode: 0, flags: 0); return r },
        Case("arbig2", .tcp4, retval: -14, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-0x1000), mode: 0, flags: 0); return r },
        Case("ar0", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(0), mode: 0, flags: 0); return r },
        Case("arudp", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000108000000000000000000000000000000000000000000000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(28), mode: 1, flags: (1 << 1) | (1 << 4)); return r },
        Case("argre6", .tcp4, retval: 0, protocol: 56710, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(44), mode: 1, flags: (1 << 2) | (1 << 3)); return r },
        Case("arl3both", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(28), mode: 1, flags: (1 << 1) | (1 << 2)); return r },
        Case("arl4both", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(28), mode: 1, flags: (1 << 1) | (1 << 3) | (1 << 4)); return r },
        Case("arl2eth0", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(28), mode: 1, flags: (1 << 1) | (1 << 6)); return r },
        Case("arl2eth", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("0200000000020200000000010800000000000000000000000000000000000000000000000000000000000000000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(38), mode: 1, flags: (1 << 1) | (1 << 3) | (1 << 6) | (14 << 56)); return r },
        Case("arl2long", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(10), mode: 1, flags: (1 << 1) | (14 << 56)); return r },
        Case("arl2noencap", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000108000000000000000000000045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(10), mode: 1, flags: (1 << 6)); return r },
        Case("ardecapgrow", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 1, flags: (1 << 7)); return r },
        Case("ardecapboth", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 1, flags: (1 << 7) | (1 << 8)); return r },
        Case("ardecap6", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 1, flags: (1 << 8)); return r },
        Case("ardecap6b", .tcp4, retval: -524, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-20), mode: 1, flags: (1 << 8)); return r },
        Case("arshrinkencap", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 1, flags: (1 << 1)); return r },
        Case("arshrinkcsum", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000108004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 1, flags: (1 << 5) | 1); return r },
        Case("ararp", .arp, retval: -524, protocol: 1544, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 0, flags: 0); return r },
        Case("arnet6", .tcp6, retval: 0, protocol: 56710, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000186dd600000000014064020010db800000000000000000000000120010db800000000000000000000000200000000000000009c40005000000001000000005002ffff00000000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 0, flags: 0); return r },
        Case("arnet6m", .tcp6, retval: 0, protocol: 56710, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000186dd600000000014064020010db800000000000000000000000120010db8000000000000000000000002000000005002ffff00000000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(-8), mode: 0, flags: 0); return r },
        Case("arvlan", .vlan4, retval: -524, protocol: 129, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("02000000000202000000000181000064080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.adjustRoom(s, lengthDifference: i(8), mode: 1, flags: 0); return r },
        Case("rd0", .tcp4, retval: 7, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var request: RedirectRequest?; var r: UInt64 = 0; r = H.redirect(ifindex: 1, flags: 0, request: &request); _ = request; return r },
        Case("rd1", .tcp4, retval: 7, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var request: RedirectRequest?; var r: UInt64 = 0; r = H.redirect(ifindex: 1, flags: 1, request: &request); _ = request; return r },
        Case("rd2", .tcp4, retval: 2, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var request: RedirectRequest?; var r: UInt64 = 0; r = H.redirect(ifindex: 1, flags: 2, request: &request); _ = request; return r },
        Case("rdint", .tcp4, retval: 2, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var request: RedirectRequest?; var r: UInt64 = 0; r = H.redirect(ifindex: 1, flags: 1 << 16, request: &request); _ = request; return r },
        Case("rd999", .tcp4, retval: 7, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var request: RedirectRequest?; var r: UInt64 = 0; r = H.redirect(ifindex: 999, flags: 0, request: &request); _ = request; return r },
        Case("cr0", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.cloneRedirect(s, ifindex: 1, flags: 0, device: loopback(1), clone: SkBuff(capacity: 512)); return r },
        Case("cr1", .tcp4, retval: 0, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.cloneRedirect(s, ifindex: 1, flags: 1, device: loopback(1), clone: SkBuff(capacity: 512)); return r },
        Case("cr2", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.cloneRedirect(s, ifindex: 1, flags: 2, device: loopback(1), clone: SkBuff(capacity: 512)); return r },
        Case("crint", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.cloneRedirect(s, ifindex: 1, flags: 1 << 17, device: loopback(1), clone: SkBuff(capacity: 512)); return r },
        Case("cr999", .tcp4, retval: -22, protocol: 8, vlanPresent: 0, vlanTCI: 0, vlanProto: 0, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; r = H.cloneRedirect(s, ifindex: 999, flags: 0, device: loopback(999), clone: SkBuff(capacity: 512)); return r },
        Case("crvlan", .tcp4, retval: 0, protocol: 8, vlanPresent: 1, vlanTCI: 5, vlanProto: 129, dataOut: hex("020000000002020000000001080045000028123440004006149a0a0000010a0000029c40005000000001000000005002ffffff4e0000")) { s in var r: UInt64 = 0; _ = H.vlanPush(s, protocol: be(0x8100), tci: 5); r = H.cloneRedirect(s, ifindex: 1, flags: 0, device: loopback(1), clone: SkBuff(capacity: 512)); return r },
    ]

    @Test(arguments: cases)
    func matchesTheKernel(_ c: Case) throws {
        let skb = try Self.prepared(c.frame.bytes)
        let r = c.body(skb)
        #expect(Int32(truncatingIfNeeded: r) == c.retval)
        #expect(skb.protocolBigEndian == c.protocolRaw, "protocol")
        let m = skb.metadata.pointee
        #expect((m.vlanProtoBigEndian != 0 || m.vlanTCI != 0 ? 1 : 0) == c.vlanPresent, "vlan_present")
        #expect(m.vlanTCI == c.vlanTCI, "vlan_tci")
        #expect(m.vlanProtoBigEndian == c.vlanProtoRaw, "vlan_proto")
        #expect(skb.length == c.dataOut.count, "len")
        #expect(skb.byteArray == c.dataOut, "data_out")
    }

    // MARK: Header positions the kernel sets (not visible in a test run's output)

    @Test func insertedTagLeavesNetworkHeaderOnTheVLANHeader() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        _ = H.vlanPush(skb, protocol: be(0x8100), tci: 5)
        _ = H.vlanPush(skb, protocol: be(0x88a8), tci: 7)
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == 14)  // the vlan_hdr, as skb_vlan_push leaves it
        _ = H.vlanPop(skb)
        _ = H.vlanPop(skb)
        #expect(skb.networkHeaderOffsetFromData == 14)
        #expect(skb.byteArray == Frame.tcp4.bytes)
    }

    @Test func adjustRoomMovesHeaders() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        let udpInIPv4 = AdjustRoomFlags.encapL3IPv4 | AdjustRoomFlags.encapL4UDP
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: udpInIPv4) == 0)
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == 14)
        #expect(skb.transportHeaderOffsetFromData == 34)
        let plain = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(plain, lengthDifference: 8, mode: 0, flags: 0) == 0)
        #expect(plain.networkHeaderOffsetFromData == 14)
        #expect(plain.transportHeaderOffsetFromData == nil)
    }

    @Test func changeHeadResetsTheMacHeaderOnly() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes, capacity: 120)
        #expect(H.changeHead(skb, headroom: 100, flags: 0) == 0)  // beyond the headroom: reallocates
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == 114)
        #expect(skb.etherType == 0x0800)
    }

    @Test func changeTailMinimumFollowsTheTransportHeader() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        skb.setTransportHeader(offsetFromData: 34)
        #expect(H.changeTail(skb, length: 33, flags: 0) == UInt64(bitPattern: -22))
        #expect(H.changeTail(skb, length: 34, flags: 0) == 0)
        #expect(skb.length == 34)
    }

    @Test func growingHelpersDropCompleteAndUnnecessaryChecksums() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        skb.checksumState = .complete
        #expect(H.changeTail(skb, length: 60, flags: 0) == 0)
        #expect(skb.checksumState == ChecksumState.none)
        let other = try Self.prepared(Frame.tcp4.bytes)
        other.checksumState = .unnecessary
        #expect(H.adjustRoom(other, lengthDifference: 4, mode: 1, flags: AdjustRoomFlags.noChecksumReset) == 0)
        #expect(other.checksumState == .unnecessary)
        #expect(H.adjustRoom(other, lengthDifference: i(-4), mode: 1, flags: 0) == 0)
        #expect(other.checksumState == ChecksumState.none)
    }

    @Test func vlanPopKeepsACompleteChecksumConsistent() throws {
        let skb = try Self.prepared(Frame.vlan4.bytes)
        skb.checksumState = .complete
        skb.metadata.pointee.checksum = 0x1234_5678
        _ = H.vlanPop(skb)
        _ = H.vlanPush(skb, protocol: be(0x8100), tci: 1)
        _ = H.vlanPush(skb, protocol: be(0x8100), tci: 2)  // reinserts tag 0x8100/1
        let stripped = try Self.prepared(Frame.vlan4.bytes)
        stripped.checksumState = .complete
        stripped.metadata.pointee.checksum = 0x1234_5678
        _ = H.vlanPop(stripped)
        // Removing 81 00 00 64 and adding 81 00 00 01 changes the sum by exactly that difference.
        #expect(skb.metadata.pointee.checksum != stripped.metadata.pointee.checksum)
        #expect(stripped.metadata.pointee.checksum != 0x1234_5678)
    }

    // MARK: Encapsulation (adjust_room with ENCAP_* / DECAP_* flags)
    //
    // Measured on 6.18.44: a tc program calls the helpers, then reads the kernel's own sk_buff
    // through bpf_cast_to_kern_ctx (encapsulation, inner_protocol, mac/network/transport and
    // inner_* header offsets, protocol, len; gso_type with bpf_probe_read_kernel) into a global
    // array, run with `kernel_oracle.py run --dump-maps`. Offsets below are from `data` after the
    // call; nil is the kernel's ~0 (unset). The bytes out were the frame with zeros inserted.

    struct EncapCase: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: Frame
        var difference: Int64
        var mode: UInt64
        var flags: UInt64
        var innerProtocol: UInt16
        var network: Int
        var transport: Int?
        var innerMac: Int
        var innerNetwork: Int
        var etherType: UInt16
        var length: Int

        var testDescription: String { name }
    }

    static let encapCases: [EncapCase] = {
        let f = AdjustRoomFlags.self
        return [
            EncapCase(name: "udp in ipv4", frame: .tcp4, difference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4UDP,
                      innerProtocol: 0x0800, network: 14, transport: 34, innerMac: 42, innerNetwork: 42,
                      etherType: 0x0800, length: 82),
            EncapCase(name: "gre in ipv6 over ipv4", frame: .tcp4, difference: 44, mode: 1,
                      flags: f.encapL3IPv6 | f.encapL4GRE, innerProtocol: 0x0800, network: 14, transport: 54,
                      innerMac: 58, innerNetwork: 58, etherType: 0x86dd, length: 98),
            EncapCase(name: "gre with inner ethernet", frame: .tcp4, difference: 38, mode: 1,
                      flags: f.encapL3IPv4 | f.encapL4GRE | f.encapL2Ethernet | f.encapL2(length: 14),
                      innerProtocol: 0x6558, network: 14, transport: 34, innerMac: 38, innerNetwork: 52,
                      etherType: 0x0800, length: 92),
            EncapCase(name: "udp with an 8-byte inner l2", frame: .tcp4, difference: 36, mode: 1,
                      flags: f.encapL3IPv4 | f.encapL4UDP | f.encapL2(length: 8), innerProtocol: 0x0800, network: 14,
                      transport: 34, innerMac: 42, innerNetwork: 50, etherType: 0x0800, length: 90),
            EncapCase(name: "ipip", frame: .tcp4, difference: 20, mode: 1, flags: f.encapL3IPv4, innerProtocol: 0x0800,
                      network: 14, transport: nil, innerMac: 34, innerNetwork: 34, etherType: 0x0800, length: 74),
            EncapCase(name: "ip6ip6", frame: .tcp6, difference: 40, mode: 1, flags: f.encapL3IPv6,
                      innerProtocol: 0x86dd, network: 14, transport: nil, innerMac: 54, innerNetwork: 54,
                      etherType: 0x86dd, length: 114),
            EncapCase(name: "udp in ipv4 over ipv6", frame: .tcp6, difference: 28, mode: 1,
                      flags: f.encapL3IPv4 | f.encapL4UDP, innerProtocol: 0x86dd, network: 14, transport: 34,
                      innerMac: 42, innerNetwork: 42, etherType: 0x0800, length: 102),
            // NET mode: the old network header is recorded as the inner one although the outer IP
            // header slid in front of the room (it now points at the room).
            EncapCase(name: "ipip in net mode", frame: .tcp4, difference: 20, mode: 0, flags: f.encapL3IPv4,
                      innerProtocol: 0x0800, network: 14, transport: nil, innerMac: 34, innerNetwork: 34,
                      etherType: 0x0800, length: 74),
        ]
    }()

    @Test(arguments: encapCases)
    func encapsulatingGrowRecordsInnerHeaders(_ c: EncapCase) throws {
        let skb = try Self.prepared(c.frame.bytes)
        #expect(H.adjustRoom(skb, lengthDifference: i(c.difference), mode: c.mode, flags: c.flags) == 0)
        #expect(skb.isEncapsulated)
        #expect(UInt16(bigEndian: skb.innerProtocolBigEndian) == c.innerProtocol, "inner_protocol")
        #expect(skb.macHeaderOffsetFromData == 0)
        #expect(skb.networkHeaderOffsetFromData == c.network, "network")
        #expect(skb.transportHeaderOffsetFromData == c.transport, "transport")
        #expect(skb.innerMacHeaderOffsetFromData == c.innerMac, "inner mac")
        #expect(skb.innerNetworkHeaderOffsetFromData == c.innerNetwork, "inner network")
        #expect(skb.innerTransportHeaderOffsetFromData == nil, "inner transport (the test run leaves it unset)")
        #expect(skb.etherType == c.etherType, "protocol")
        #expect(skb.length == c.length)
        let at = c.mode == 0 ? 34 : 14
        let frame = c.frame.bytes
        #expect(skb.byteArray == Array(frame[..<at]) + zeros(Int(c.difference)) + Array(frame[at...]))
    }

    @Test func plainGrowDoesNotEncapsulate() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(skb, lengthDifference: 8, mode: 1, flags: AdjustRoomFlags.encapL2(length: 4)) == 0)
        #expect(!skb.isEncapsulated)
        #expect(skb.innerProtocolBigEndian == 0)
        #expect(skb.innerNetworkHeaderOffset == nil)
    }

    /// Measured: the second encapsulating grow returns -EALREADY (-114) and changes nothing; the
    /// argument checks before it (-EINVAL) still come first, the inner-L2 length check after it.
    /// Non-encapsulating grows and shrinks keep working, with every offset kept from `head`.
    @Test func secondEncapsulationIsRefused() throws {
        let f = AdjustRoomFlags.self
        let skb = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4UDP) == 0)
        let encapsulated = skb.byteArray
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4UDP) == i(-114))
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL3IPv6) == i(-22))
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4GRE | f.encapL4UDP)
                == i(-22))
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL2Ethernet) == i(-22))
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL2(length: 40))
                == i(-114))
        #expect(skb.byteArray == encapsulated)
        #expect(skb.transportHeaderOffsetFromData == 34 && skb.innerNetworkHeaderOffsetFromData == 42)

        #expect(H.adjustRoom(skb, lengthDifference: 10, mode: 1, flags: f.encapL2(length: 4)) == 0)
        #expect(skb.isEncapsulated)
        #expect(skb.networkHeaderOffsetFromData == 14 && skb.transportHeaderOffsetFromData == 44)
        #expect(skb.innerMacHeaderOffsetFromData == 52 && skb.innerNetworkHeaderOffsetFromData == 52)
        #expect(H.adjustRoom(skb, lengthDifference: i(-10), mode: 0, flags: 0) == 0)
        #expect(skb.transportHeaderOffsetFromData == 34 && skb.innerNetworkHeaderOffsetFromData == 42)
        #expect(H.adjustRoom(skb, lengthDifference: 20, mode: 1, flags: f.encapL3IPv6) == i(-114))
        #expect(skb.etherType == 0x0800)
    }

    /// Measured: 6.18 clears nothing on decapsulation. After encap (+28 UDP in IPv4) and
    /// adjust_room(-28, MAC, DECAP_L3_IPV4) the skb is still marked encapsulated, inner_protocol
    /// stays IPv4, the inner headers keep their place (now at the network header, 14) and the
    /// transport header set by the encap stays where it was (6 from data); a new encapsulating
    /// grow returns -EALREADY and change_tail -ENOTSUPP (-524).
    @Test func decapsulationKeepsTheEncapsulationState() throws {
        let f = AdjustRoomFlags.self
        let skb = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4UDP) == 0)
        #expect(H.adjustRoom(skb, lengthDifference: i(-28), mode: 1, flags: f.decapL3IPv4) == 0)
        #expect(skb.byteArray == Frame.tcp4.bytes)
        #expect(skb.isEncapsulated)
        #expect(UInt16(bigEndian: skb.innerProtocolBigEndian) == 0x0800)
        #expect(skb.networkHeaderOffsetFromData == 14 && skb.transportHeaderOffsetFromData == 6)
        #expect(skb.innerMacHeaderOffsetFromData == 14 && skb.innerNetworkHeaderOffsetFromData == 14)
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: f.encapL3IPv4 | f.encapL4UDP) == i(-114))
        #expect(H.changeTail(skb, length: 100, flags: 0) == i(-524))
    }

    /// Measured: after adjust_room(+28, MAC, ENCAP_L3_IPV4 | ENCAP_L4_UDP) the kernel's skb is
    /// marked encapsulated, so change_tail returns -ENOTSUPP (-524) and a second encapsulating
    /// grow -EALREADY (-114); a plain grow still succeeds.
    @Test func encapsulationIsRemembered() throws {
        let udpInIPv4 = AdjustRoomFlags.encapL3IPv4 | AdjustRoomFlags.encapL4UDP
        let skb = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: udpInIPv4) == 0)
        #expect(skb.isEncapsulated)
        #expect(H.changeTail(skb, length: 100, flags: 0) == i(-524))
        let again = try Self.prepared(Frame.tcp4.bytes)
        #expect(H.adjustRoom(again, lengthDifference: 28, mode: 1, flags: udpInIPv4) == 0)
        #expect(H.adjustRoom(again, lengthDifference: 28, mode: 1, flags: udpInIPv4) == i(-114))
        #expect(H.adjustRoom(again, lengthDifference: 8, mode: 1, flags: 0) == 0)  // measured: 0
    }

    /// SKB_GSO_* bits of an encapsulating grow on a GSO skb. A test run cannot show them (it sets
    /// gso_size but leaves gso_type 0, so the kernel refuses the grow: measured -ENOTSUPP with
    /// gso_size 1400); the expected bits follow bpf_skb_net_grow in 6.18.
    @Test(arguments: [
        (AdjustRoomFlags.encapL3IPv4 | AdjustRoomFlags.encapL4UDP, GSOBit.udpTunnel),
        (AdjustRoomFlags.encapL3IPv6 | AdjustRoomFlags.encapL4UDP, GSOBit.udpTunnel),
        (AdjustRoomFlags.encapL3IPv4 | AdjustRoomFlags.encapL4GRE, GSOBit.gre),
        (AdjustRoomFlags.encapL3IPv6, GSOBit.ipXIP6),
        (AdjustRoomFlags.encapL3IPv4, GSOBit.ipXIP4),
        (UInt64(0), UInt32(0)),
    ])
    func encapsulatingGrowSetsTunnelGSOType(flags: UInt64, tunnelBit: UInt32) throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        skb.metadata.pointee.gsoSize = 1400
        skb.metadata.pointee.gsoSegments = 3
        skb.metadata.pointee.gsoType = GSOBit.tcpV4
        #expect(H.adjustRoom(skb, lengthDifference: 40, mode: 1, flags: flags) == 0)
        #expect(skb.metadata.pointee.gsoType == GSOBit.tcpV4 | GSOBit.dodgy | tunnelBit)
        #expect(skb.metadata.pointee.gsoSize == 1360 && skb.metadata.pointee.gsoSegments == 0)
        // Decapsulating adds only DODGY; the tunnel bit stays, as in 6.18.
        #expect(H.adjustRoom(skb, lengthDifference: i(-40), mode: 1, flags: AdjustRoomFlags.fixedGSO) == 0)
        #expect(skb.metadata.pointee.gsoType == GSOBit.tcpV4 | GSOBit.dodgy | tunnelBit)
        #expect(skb.metadata.pointee.gsoSize == 1360)
    }

    @Test func encapsulationOnUDPSegmentedPacketsNeedsFixedGSO() throws {
        let udpInIPv4 = AdjustRoomFlags.encapL3IPv4 | AdjustRoomFlags.encapL4UDP
        let measured = try Self.prepared(Frame.tcp4.bytes)
        measured.metadata.pointee.gsoSize = 1400  // gso_type 0, as a test run leaves it: measured -524
        #expect(H.adjustRoom(measured, lengthDifference: 28, mode: 1, flags: udpInIPv4) == i(-524))
        #expect(!measured.isEncapsulated)
        let skb = try Self.prepared(Frame.tcp4.bytes)
        skb.metadata.pointee.gsoSize = 1400
        skb.metadata.pointee.gsoType = GSOBit.udpL4
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: udpInIPv4) == i(-524))
        #expect(H.adjustRoom(skb, lengthDifference: 28, mode: 1, flags: udpInIPv4 | AdjustRoomFlags.fixedGSO) == 0)
        #expect(skb.metadata.pointee.gsoType == GSOBit.udpL4 | GSOBit.dodgy | GSOBit.udpTunnel)
        #expect(skb.metadata.pointee.gsoSize == 1400)
    }

    // MARK: GSO

    @Test func changeProtoRewritesGSOType() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        skb.metadata.pointee.gsoSize = 1400
        skb.metadata.pointee.gsoType = 1  // SKB_GSO_TCPV4
        #expect(H.changeProtocol(skb, protocol: be(0x86dd), flags: 0) == 0)
        #expect(skb.metadata.pointee.gsoType == (1 << 4) | (1 << 1))  // TCPV6 | DODGY
        #expect(H.adjustRoom(skb, lengthDifference: 8, mode: 1, flags: 0) == 0)
        #expect(skb.metadata.pointee.gsoSize == 1392)
        #expect(H.changeTail(skb, length: 80, flags: 0) == 0)
        #expect(skb.metadata.pointee.gsoSize == 0 && skb.metadata.pointee.gsoType == 0)
    }

    // MARK: Redirects

    @Test func redirectRecordsTheTarget() {
        var request: RedirectRequest?
        #expect(H.redirect(ifindex: 4, flags: RedirectFlags.ingress, request: &request) == 7)
        #expect(request == RedirectRequest(ifindex: 4, flags: 1))
        #expect(request?.isIngress == true)
        #expect(H.redirect(ifindex: 5, flags: 2, request: &request) == 2)  // TC_ACT_SHOT, nothing recorded
        #expect(request?.ifindex == 4)
    }

    @Test func cloneRedirectCopiesThePacket() throws {
        let skb = try Self.prepared(Frame.tcp4.bytes)
        let clone = SkBuff(capacity: 512)
        #expect(H.cloneRedirect(skb, ifindex: 3, flags: 0, device: RedirectDevice(ifindex: 3), clone: clone) == 0)
        #expect(clone.byteArray == Frame.tcp4.bytes)
        #expect(clone.ifindex == 3)
        #expect(H.cloneRedirect(skb, ifindex: 3, flags: 0, device: RedirectDevice(ifindex: 3), clone: nil)
                == UInt64(bitPattern: -12))
        let l3 = SkBuff(capacity: 512)
        #expect(H.cloneRedirect(skb, ifindex: 9, flags: 0, device: RedirectDevice(ifindex: 9, carriesMacHeader: false),
                                clone: l3) == 0)
        #expect(l3.byteArray == Array(Frame.tcp4.bytes[14...]))
        skb.resetNetworkHeader()  // no link-layer header left before the network header
        #expect(H.cloneRedirect(skb, ifindex: 3, flags: 0, device: RedirectDevice(ifindex: 3), clone: clone)
                == UInt64(bitPattern: -34))
    }

    // MARK: Hash

    @Test func hashRecalcIsStableSymmetricAndL4() throws {
        // Measured: the kernel returns the same non-zero value twice (its value is keyed per boot,
        // so it cannot be compared), the set_hash value after bpf_set_hash(0x1234) (4660), and a
        // fresh non-zero value after bpf_set_hash_invalid.
        let skb = try Self.prepared(Frame.tcp4.bytes)
        let first = H.getHashRecalc(skb)
        #expect(first != 0)
        #expect(H.getHashRecalc(skb) == first)
        #expect(skb.metadata.pointee.isL4Hash && skb.metadata.pointee.isSoftwareHash)
        var reply = Frame.tcp4.bytes
        reply.replaceSubrange(26..<34, with: Array(reply[30..<34]) + Array(reply[26..<30]))
        reply.replaceSubrange(34..<38, with: Array(reply[36..<38]) + Array(reply[34..<36]))
        #expect(H.getHashRecalc(try Self.prepared(reply)) == first)
        _ = H.setHash(skb, 0x1234)
        #expect(H.getHashRecalc(skb) == 0x1234)
        H.clearHash(skb)
        #expect(H.getHashRecalc(skb) == first)
        let arp = try Self.prepared(Frame.arp.bytes)
        #expect(H.getHashRecalc(arp) != 0)
        #expect(!arp.metadata.pointee.isL4Hash)
    }
}

private func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex, let j = s.index(i, offsetBy: 2, limitedBy: s.endIndex) {
        out.append(UInt8(s[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

private func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: n) }
/// The `__be16` a program passes for an EtherType (`bpf_htons`).
private func be(_ etherType: UInt16) -> UInt64 { UInt64(etherType.bigEndian) }
/// A signed argument as the 64-bit register value.
private func i(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }

/// `SKB_GSO_*` (include/linux/skbuff.h), spelled out here: BPFVM keeps its own table internal.
private enum GSOBit {
    static let tcpV4: UInt32 = 1 << 0
    static let dodgy: UInt32 = 1 << 1
    static let gre: UInt32 = 1 << 6
    static let ipXIP4: UInt32 = 1 << 8
    static let ipXIP6: UInt32 = 1 << 9
    static let udpTunnel: UInt32 = 1 << 10
    static let udpL4: UInt32 = 1 << 17
}
/// The devices of a test run's network namespace the cases use: only loopback (1) exists.
private func loopback(_ ifindex: UInt64) -> RedirectDevice? { ifindex == 1 ? RedirectDevice(ifindex: 1) : nil }
