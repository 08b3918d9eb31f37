import ClassicBPF
import Testing
import TestSupport

/// skbpf against the running kernel: the same classic program attached as a socket filter to a
/// packet socket on lo, the same frame, the same answer — refused by the checker, or delivered
/// cut to the same length, or dropped. The vectors, the checker's cases and random programs.
@Suite(.enabled(if: KernelSocketFilterOracle.unavailableReason == nil,
                Comment(rawValue: KernelSocketFilterOracle.unavailableReason ?? "")))
struct KernelDifferentialTests {
    typealias Oracle = KernelSocketFilterOracle

    /// skbpf's answer for what the oracle does with a case.
    static func skbpfAnswer(_ program: [ClassicInstruction], frame: [UInt8], mark: UInt32 = 0) throws -> Oracle.Answer {
        let classic = ClassicProgram(program)
        do { try ClassicChecker.check(classic) } catch { return .refused }
        let skb = ClassicFixture.loopbackBuffer(frame, mark: mark)
        let results = try ClassicFixture.run(classic, on: skb)
        guard results.allSatisfy({ $0 == results[0] }) else {
            throw ExternalTool.Failure(description: "engines disagree: \(results)")
        }
        return .delivered(ClassicFixture.delivered(results[0], length: skb.length))
    }

    @Test func vectorsAgreeWithTheKernel() throws {
        let vectors = ClassicVectors.all.filter(\.isKernelComparable)
        let answers = try Oracle.answers(vectors.map { Oracle.Case($0.program, frame: $0.frame, mark: $0.mark) })
        for (vector, answer) in zip(vectors, answers) {
            let skbpf = try Self.skbpfAnswer(vector.program, frame: vector.frame, mark: vector.mark)
            #expect(answer == skbpf, "\(vector.name): kernel \(answer), skbpf \(skbpf)")
            // The vector's own value, as the kernel shows it.
            let length = ClassicFixture.loopbackBuffer(vector.frame).length
            #expect(answer == .delivered(ClassicFixture.delivered(vector.result, length: length)), "\(vector.name)")
        }
    }

    @Test func checkerAgreesWithTheKernel() throws {
        let cases = CheckerCases.refused + CheckerCases.accepted
        let answers = try Oracle.answers(cases.map { Oracle.Case($0.program, frame: Frames.tcp4) })
        for (test, answer) in zip(cases, answers) {
            let skbpf = try Self.skbpfAnswer(test.program, frame: Frames.tcp4)
            #expect(answer == skbpf, "\(test.name): kernel \(answer), skbpf \(skbpf)")
        }
    }

    /// Random programs over every instruction kind and the deterministic ancillary fields, on
    /// the vectors' frames cut or changed at random: refused or not, and what each delivers.
    @Test func randomProgramsAgreeWithTheKernel() throws {
        var random = SplitMix64(seed: 0x5eed_cbf0)
        var cases: [(program: [ClassicInstruction], frame: [UInt8], mark: UInt32)] = []
        for _ in 0..<600 {
            cases.append((RandomClassicProgram.make(&random), RandomClassicProgram.frame(&random), UInt32(random.below(4))))
        }
        let answers = try Oracle.answers(cases.map { Oracle.Case($0.program, frame: $0.frame, mark: $0.mark) })
        var refused = 0, dropped = 0, delivered = 0
        for (test, answer) in zip(cases, answers) {
            let skbpf = try Self.skbpfAnswer(test.program, frame: test.frame, mark: test.mark)
            #expect(answer == skbpf, "kernel \(answer), skbpf \(skbpf): \(ClassicProgram(test.program).decimalText) frame \(test.frame)")
            switch answer {
            case .refused: refused += 1
            case .delivered(nil): dropped += 1
            case .delivered: delivered += 1
            }
        }
        // The generator reaches all three outcomes (else it tests less than it seems).
        #expect(refused > 30 && dropped > 30 && delivered > 30, "refused \(refused), dropped \(dropped), delivered \(delivered)")
    }
}

/// Random classic programs for the differential test: mostly valid, sometimes not.
enum RandomClassicProgram {
    static let deterministicFields: [AncillaryField] = [
        .protocol, .packetType, .ifindex, .mark, .queue, .hardwareType, .receiveHash, .xorX, .vlanTag, .vlanTagPresent,
        .payloadOffset, .netlinkAttribute, .nestedNetlinkAttribute, .vlanProtocol,
    ]

    static func make(_ r: inout SplitMix64) -> [ClassicInstruction] {
        let count = 2 + r.below(20)
        var program: [ClassicInstruction] = []
        for pc in 0..<count - 1 {
            let remaining = count - 1 - pc  // instructions after this one
            program.append(instruction(&r, remaining: remaining))
        }
        program.append(r.below(2) == 0 ? .retA : .ret(UInt32(r.below(120))))
        if r.below(40) == 0 { program.removeLast() }  // no return at the end
        return program
    }

    static func instruction(_ r: inout SplitMix64, remaining: Int) -> ClassicInstruction {
        let sizes: [ClassicSize] = [.byte, .half, .word]
        func jump(_ bound: Int) -> UInt8 { UInt8(min(r.below(max(bound, 1)), 255)) }
        switch r.below(22) {
        case 0, 1: return ClassicInstruction(.loadAbsolute(r.pick(sizes)), k: UInt32(r.below(100)))
        case 2: return ClassicInstruction(.loadIndirect(r.pick(sizes)), k: UInt32(r.below(60)))
        case 3:
            let base = r.pick([AncillaryField.networkHeaderBase, AncillaryField.linkHeaderBase])
            return ClassicInstruction(.loadAbsolute(r.pick(sizes)), k: base &+ UInt32(r.below(70)))
        case 4: return ClassicInstruction(.loadAbsolute(r.pick(sizes)), k: r.pick(deterministicFields).k)
        case 5: return r.pick([.ldxImm(UInt32(r.below(70))), .ldxMsh(UInt32(r.below(40))), .ldxLen, .ldLen])
        case 6: return .ldImm(r.below(3) == 0 ? UInt32(truncatingIfNeeded: r.next()) : UInt32(r.below(300)))
        case 7, 8, 9:
            let op = r.pick(ClassicALUOperation.allCases)
            let k: UInt32 = switch op {
            case .lsh, .rsh: UInt32(r.below(r.below(10) == 0 ? 40 : 32))
            case .div, .mod: UInt32(r.below(r.below(10) == 0 ? 1 : 9))  // sometimes 0
            default: r.below(3) == 0 ? UInt32(truncatingIfNeeded: r.next()) : UInt32(r.below(64))
            }
            return .alu(op, k)
        case 10, 11: return .aluX(r.pick(ClassicALUOperation.allCases))
        case 12: return r.pick([.neg, .tax, .txa])
        case 13: return r.pick([.st(UInt32(r.below(17))), .stx(UInt32(r.below(16)))])
        case 14: return r.pick([.ldMem(UInt32(r.below(16))), .ldxMem(UInt32(r.below(17)))])
        case 15, 16, 17:
            let condition = r.pick(ClassicJumpCondition.allCases)
            let bound = r.below(15) == 0 ? remaining + 2 : remaining  // sometimes past the end
            if r.below(2) == 0 { return .jumpX(condition, jt: jump(bound), jf: jump(bound)) }
            let k = r.below(3) == 0 ? UInt32(truncatingIfNeeded: r.next()) : UInt32(r.below(120))
            return ClassicInstruction(.jump(condition, .k), jt: jump(bound), jf: jump(bound), k: k)
        case 18: return .ja(UInt32(r.below(max(remaining, 1) + (r.below(15) == 0 ? 2 : 0))))
        case 19: return .ret(UInt32(r.below(120)))
        case 20: return ClassicInstruction(code: UInt16(r.below(256)), k: UInt32(r.below(64)))  // any opcode
        default: return ClassicInstruction(.loadAbsolute(r.pick(sizes)), k: AncillaryField.ancillaryBase &+ UInt32(r.below(80)))
        }
    }

    static func frame(_ r: inout SplitMix64) -> [UInt8] {
        var frame = r.pick([Frames.tcp4, Frames.udp4, Frames.vlanUDP4, Frames.icmp4, Frames.fragment4, Frames.udp6HopByHop,
                            Frames.arpBroadcast, Frames.multicastUDP4, Frames.otherHostUDP4, Frames.netlinkAttributes])
        // lo drops a tagged frame too short to untag (skb_vlan_untag pulls 6 bytes past the header).
        let minimum = frame[12] == 0x81 ? 20 : 14
        if r.below(3) == 0 { frame = Array(frame.prefix(minimum + r.below(frame.count - minimum + 1))) }
        for _ in 0..<r.below(3) where frame.count > minimum {
            frame[minimum + r.below(frame.count - minimum)] = UInt8(truncatingIfNeeded: r.next())
        }
        return frame
    }
}
