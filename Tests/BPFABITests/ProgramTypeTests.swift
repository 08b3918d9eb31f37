import BPFABI
import Testing

@Suite struct ProgramTypeTests {
    @Test func kernelNumbersAndNames() {
        #expect(ProgramType.socketFilter.rawValue == 1)
        #expect(ProgramType.schedCls.rawValue == 3)
        #expect(ProgramType.schedAct.rawValue == 4)
        #expect(ProgramType.schedCls.kernelName == "sched_cls")
        #expect(ProgramType(name: "tc") == .schedCls)
        #expect(ProgramType(name: "socket_filter") == .socketFilter)
        // xdp is verified, not run: a name and a type, but no section libbpf's loader maps to it here.
        #expect(ProgramType.xdp.rawValue == 6)
        #expect(ProgramType(name: "xdp") == .xdp)
        #expect(ProgramType.xdp.kernelName == "xdp")
        #expect(!ProgramType.xdp.hasSkBuffContext && ProgramType.xdp.mayWritePacket)
        #expect(!ProgramType.xdp.mayUseLegacyPacketLoads && ProgramType.socketFilter.mayUseLegacyPacketLoads)
        #expect(!ProgramType.socketFilter.mayWritePacket)
        #expect(ProgramType.schedAct.isTrafficControl)
        #expect(!ProgramType.socketFilter.isTrafficControl)
    }

    /// libbpf 1.x `section_defs`: exact names only.
    @Test(arguments: [
        ("socket", ProgramType.socketFilter), ("tc", .schedCls), ("classifier", .schedCls), ("action", .schedAct),
        ("tc/ingress", .schedCls), ("tc/egress", .schedCls), ("tcx/ingress", .schedCls), ("tcx/egress", .schedCls),
        ("netkit/primary", .schedCls), ("netkit/peer", .schedCls),
    ])
    func sectionNames(_ section: String, _ type: ProgramType) {
        #expect(ProgramType.forSection(section) == type)
    }

    @Test func sectionNamesThatAreNotOurs() {
        let others = [
            "socket1", "socket/filter", "classifier/x", "tc/foo", "tcx", "xdp", "kprobe/x", ".text", "", "sk_skb",
        ]
        for section in others {
            #expect(ProgramType.forSection(section) == nil, "\(section)")
        }
    }

    /// libbpf before 1.0 matched `socket`, `classifier` and `action` as prefixes.
    @Test func legacyPrefixes() {
        #expect(ProgramType.forSection("socket1", legacyPrefixMatching: true) == .socketFilter)
        #expect(ProgramType.forSection("classifier/ingress", legacyPrefixMatching: true) == .schedCls)
        #expect(ProgramType.forSection("action_drop", legacyPrefixMatching: true) == .schedAct)
        #expect(ProgramType.forSection("tcfoo", legacyPrefixMatching: true) == nil)
        #expect(ProgramType.forSection("tc", legacyPrefixMatching: true) == .schedCls)
    }
}

@Suite struct ReturnCodeTests {
    @Test func tcActionValues() {
        let expected: [(TCAction, Int32, String)] = [
            (.unspec, -1, "TC_ACT_UNSPEC"), (.ok, 0, "TC_ACT_OK"), (.reclassify, 1, "TC_ACT_RECLASSIFY"),
            (.shot, 2, "TC_ACT_SHOT"), (.pipe, 3, "TC_ACT_PIPE"), (.stolen, 4, "TC_ACT_STOLEN"),
            (.queued, 5, "TC_ACT_QUEUED"), (.repeatAction, 6, "TC_ACT_REPEAT"), (.redirect, 7, "TC_ACT_REDIRECT"),
            (.trap, 8, "TC_ACT_TRAP"),
        ]
        #expect(TCAction.allCases.count == expected.count)
        for (action, value, name) in expected {
            #expect(action.rawValue == value)
            #expect(action.description == name)
            #expect(!action.meaning.isEmpty)
        }
    }

    @Test func tcActionFromRegister() {
        #expect(TCAction(returnValue: 2) == .shot)
        #expect(TCAction(returnValue: 0xffff_ffff) == .unspec)               // (u32)-1
        #expect(TCAction(returnValue: 0xdead_beef_0000_0007) == .redirect)   // only the low 32 bits count
        #expect(TCAction(returnValue: 9) == nil)
        #expect(TCXAction.next.rawValue == -1)
        #expect(TCXAction.drop.rawValue == TCAction.shot.rawValue)
    }

    @Test func socketFilterVerdicts() {
        #expect(SocketFilterVerdict(returnValue: 0, packetLength: 60) == .drop)
        #expect(SocketFilterVerdict(returnValue: 20, packetLength: 60) == .keep(byteCount: 20))
        #expect(SocketFilterVerdict(returnValue: 0xffff_ffff, packetLength: 60) == .keep(byteCount: 60))
        #expect(SocketFilterVerdict(returnValue: 0x1_0000_0000, packetLength: 60) == .drop)  // low 32 bits are 0
        #expect(SocketFilterVerdict(returnValue: 60, packetLength: 60).description == "keep 60 bytes")
    }
}

@Suite struct HelperFlagTests {
    /// Values checked against the 6.18 kernel's BTF.
    @Test func values() {
        #expect(StoreBytesFlags.recomputeChecksum == 1)
        #expect(StoreBytesFlags.invalidateHash == 2)
        #expect(ChecksumReplaceFlags.headerFieldMask == 0xf)
        #expect(ChecksumReplaceFlags.pseudoHeader == 0x10)
        #expect(ChecksumReplaceFlags.markMangled0 == 0x20)
        #expect(ChecksumReplaceFlags.markEnforce == 0x40)
        #expect(ChecksumReplaceFlags.ipv6 == 0x80)
        #expect(RedirectFlags.ingress == 1)
        #expect(AdjustRoomMode.mac.rawValue == 1)
        #expect(AdjustRoomFlags.decapL3IPv6 == 0x100)
        #expect(AdjustRoomFlags.encapL2(length: 14) == 14 << 56)
        #expect(MapUpdateFlags.noExist == 1 && MapUpdateFlags.exist == 2 && MapUpdateFlags.any == 0)
        #expect(PerfEventOutputFlags.currentCPU == 0xffff_ffff)
        #expect(PerfEventOutputFlags.contextLengthMask == 0x000f_ffff_0000_0000)
        #expect(RingbufFlags.forceWakeup == 2)
        #expect(RingbufQuery.producerPosition.rawValue == 3)
        #expect(EtherType.ipv6 == 0x86dd)
        #expect(PacketType.otherHost.rawValue == 3)
        #expect(MapFlags.innerMap.rawValue == 0x1000)
    }
}
