import ClassicBPF
import PacketBuffer
import Testing

/// Every vector of ClassicVectors through the translation, the verifier and every engine
/// (machine code, the op loop unchecked and checked): all give the vector's value.
@Suite struct ClassicVectorTests {
    @Test(arguments: ClassicVectors.all)
    func vector(_ vector: ClassicVector) throws {
        let skb = ClassicFixture.loopbackBuffer(vector.frame, mark: vector.mark)
        if !vector.isOnDevice { skb.ifindex = 0 }
        let results = try ClassicFixture.run(ClassicProgram(vector.program), on: skb)
        #expect(results.allSatisfy { $0 == vector.result }, "\(vector.name): \(results), expected \(vector.result)")
    }

    /// The vectors also hold as written in each text format and the binary one.
    @Test func vectorsSurviveEveryFormat() throws {
        for vector in ClassicVectors.all {
            let program = ClassicProgram(vector.program)
            #expect(try ClassicProgram(text: program.decimalText) == program, "\(vector.name)")
            #expect(try ClassicProgram(text: program.cArrayText) == program, "\(vector.name)")
            #expect(try ClassicProgram(decoding: program.encoded()) == program, "\(vector.name)")
        }
    }

    /// libpcap's rules where they differ from Linux's: shifts by 32 or more give 0, `x + k` is
    /// unsigned (past 2^31 it is outside any packet).
    @Test func libpcapRules() throws {
        let skb = ClassicFixture.loopbackBuffer(Frames.tcp4)
        let libpcap = ClassicTranslator.Options(semantics: .libpcap)
        let shift: [ClassicInstruction] = [.ldImm(100), .ldxImm(33), .aluX(.lsh)] + expect(0)
        #expect(try ClassicFixture.run(ClassicProgram(shift), on: skb, options: libpcap).allSatisfy { $0 == 77 })
        #expect(try ClassicFixture.run(ClassicProgram(shift), on: skb).allSatisfy { $0 == 99 }, "Linux: 100 << 1")
        let rightShift: [ClassicInstruction] = [.ldImm(100), .ldxImm(32), .aluX(.rsh)] + expect(0)
        #expect(try ClassicFixture.run(ClassicProgram(rightShift), on: skb, options: libpcap).allSatisfy { $0 == 77 })
        let smallShift: [ClassicInstruction] = [.ldImm(100), .ldxImm(31), .aluX(.rsh)] + expect(0)
        #expect(try ClassicFixture.run(ClassicProgram(smallShift), on: skb, options: libpcap).allSatisfy { $0 == 77 })
        let wrap: [ClassicInstruction] = [.ldxImm(0xffff_ffff), .ldbInd(24), .ret(50)]
        #expect(try ClassicFixture.run(ClassicProgram(wrap), on: skb, options: libpcap).allSatisfy { $0 == 0 })
        #expect(try ClassicFixture.run(ClassicProgram(wrap), on: skb).allSatisfy { $0 == 50 }, "Linux: offset 23")
        let negative: [ClassicInstruction] = [.ldb(AncillaryField.networkHeaderBase + 9), .ret(50)]
        #expect(try ClassicFixture.run(ClassicProgram(negative), on: skb, options: libpcap).allSatisfy { $0 == 0 })
    }

    /// Offsets from the network or link-layer header instead of `data`: what a filter compiled for
    /// raw IP needs where `data` is the transport header (a socket's receive path).
    @Test func packetOrigins() throws {
        let skb = ClassicFixture.loopbackBuffer(Frames.tcp4)
        _ = skb.pull(34)  // data at the TCP header, as a socket sees it
        let network = ClassicTranslator.Options(packetOrigin: .networkHeader)
        let link = ClassicTranslator.Options(packetOrigin: .linkHeader)
        #expect(try ClassicFixture.run(ClassicProgram([.ldb(9)] + expect(6)), on: skb, options: network).allSatisfy { $0 == 77 })
        #expect(try ClassicFixture.run(ClassicProgram([.ldh(12)] + expect(0x0800)), on: skb, options: link).allSatisfy { $0 == 77 })
        #expect(try ClassicFixture.run(ClassicProgram([.ldh(2)] + expect(80)), on: skb).allSatisfy { $0 == 77 }, "data: TCP dport")
        let indexed: [ClassicInstruction] = [.ldxMsh(0), .ldhInd(2)] + expect(80)
        #expect(try ClassicFixture.run(ClassicProgram(indexed), on: skb, options: network).allSatisfy { $0 == 77 })
        let farIndex: [ClassicInstruction] = [.ldxImm(0x10_0000), .ldbInd(0), .ret(50)]
        #expect(try ClassicFixture.run(ClassicProgram(farIndex), on: skb, options: network).allSatisfy { $0 == 0 })
        let farOffset: [ClassicInstruction] = [.ldb(0x10_0000), .ret(50)]
        #expect(try ClassicFixture.run(ClassicProgram(farOffset), on: skb, options: link).allSatisfy { $0 == 0 })
    }

    /// `len` is the length on the wire in a capture run; loads still stop at the captured bytes.
    @Test func wireLength() throws {
        let skb = ClassicFixture.loopbackBuffer(Array(Frames.tcp4.prefix(60)))
        let length: [ClassicInstruction] = [.ldLen] + expect(1500)
        #expect(try ClassicFixture.run(ClassicProgram(length), on: skb, wireLength: 1500).allSatisfy { $0 == 77 })
        #expect(try ClassicFixture.run(ClassicProgram([.ldLen] + expect(60)), on: skb).allSatisfy { $0 == 77 })
        let beyond: [ClassicInstruction] = [.ldb(70), .ret(50)]
        #expect(try ClassicFixture.run(ClassicProgram(beyond), on: skb, wireLength: 1500).allSatisfy { $0 == 0 })
    }

    /// libpcap's `protochain` loop (a backward `ja`): checked runs with a budget.
    @Test func backwardJumpLoops() throws {
        // X counts down from 5; each turn adds 2 to M[0]; ends returning M[0].
        let loop: [ClassicInstruction] = [
            .ldImm(0), .st(0), .ldxImm(5),
            .ldMem(0), .alu(.add, 2), .st(0), .txa, .alu(.sub, 1), .tax,  // 3...8
            .jeq(0, jt: 1, jf: 0), .ja(0xffff_fff8),  // 9: done? 10: back to 3
            .ldMem(0), .retA,
        ]
        let program = ClassicProgram(loop)
        #expect(throws: ClassicCheckError.self) { try ClassicChecker.check(program) }
        let skb = ClassicFixture.loopbackBuffer(Frames.tcp4)
        let results = try ClassicFixture.run(program, on: skb, options: .init(semantics: .libpcap))
        #expect(results == [10])
    }
}

/// `Interpreter.run(packet:wireLength:)`: a socket filter on a packet in memory, as libpcap's
/// `pcap_offline_filter` runs one — the same answers as on a buffer, by the short path (verified
/// machine code reading only the packet) and the general one (context fields, helper calls).
@Suite struct PacketFilterRunTests {
    /// The vectors that read nothing but the packet from its link-layer header (a packet in
    /// memory has no network header for SKF_NET_OFF to count from).
    static let packetOnly = (ClassicVectors.loads + ClassicVectors.arithmetic + ClassicVectors.jumps + ClassicVectors.returns)
        .filter { vector in !vector.program.contains { $0.k >= AncillaryField.networkHeaderBase && $0.k < AncillaryField.ancillaryBase } }

    @Test(arguments: packetOnly.filter { $0.frame == Frames.tcp4 })
    func sameAnswerAsOnABuffer(_ vector: ClassicVector) throws {
        let translation = try ClassicTranslator.translate(ClassicProgram(vector.program))
        for interpreter in try ClassicFixture.interpreters(translation) {
            let result = try vector.frame.withUnsafeBytes { try interpreter.run(packet: $0) }
            #expect(UInt32(truncatingIfNeeded: result.returnValue) == vector.result, "\(vector.name)")
        }
    }

    @Test func lengthIsTheWireLength() throws {
        let program = ClassicProgram([.ldLen] + expect(1500))
        let translation = try ClassicTranslator.translate(program)
        for interpreter in try ClassicFixture.interpreters(translation) {
            let result = try Frames.tcp4.withUnsafeBytes { try interpreter.run(packet: $0, wireLength: 1500) }
            #expect(result.returnValue == 77)
            let captured = try Frames.tcp4.withUnsafeBytes { try interpreter.run(packet: $0) }
            #expect(captured.returnValue == 99, "the captured length when no wire length is given")
        }
    }

    /// A helper sees the packet through the view (the payload offset of a frame whose link
    /// layer the view knows nothing of: no protocol, so the dissector gives up: 0), and header
    /// offsets start at the link-layer header.
    @Test func generalPathViewsThePacket() throws {
        let cases: [([ClassicInstruction], UInt32)] = [
            ([.ld(AncillaryField.payloadOffset), .retA], 0),
            ([.ld(AncillaryField.protocol)] + expect(0), 77),
            ([.ldh(AncillaryField.linkHeaderBase + 12)] + expect(0x0800), 77),
            ([.ldb(AncillaryField.networkHeaderBase), .ret(50)], 0),  // no network header
        ]
        for (program, value) in cases {
            let translation = try ClassicTranslator.translate(ClassicProgram(program))
            for interpreter in try ClassicFixture.interpreters(translation) {
                let result = try Frames.tcp4.withUnsafeBytes { try interpreter.run(packet: $0) }
                #expect(UInt32(truncatingIfNeeded: result.returnValue) == value, "\(ClassicProgram(program).decimalText)")
            }
        }
    }

    /// Consecutive runs on different packets: nothing of one run leaks into the next.
    @Test func runsDoNotLeak() throws {
        let translation = try ClassicTranslator.translate(ClassicProgram([.ldb(23), .retA]))
        let interpreter = try #require(ClassicFixture.interpreters(translation).first)
        for frame in [Frames.tcp4, Frames.udp4, Array(Frames.tcp4.prefix(20)), Frames.icmp4] {
            let expected: UInt64 = frame.count > 23 ? UInt64(frame[23]) : 0
            #expect(try frame.withUnsafeBytes { try interpreter.run(packet: $0) }.returnValue == expected)
        }
    }
}
