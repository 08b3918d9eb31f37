import BPFABI
import BPFVerifier
import BPFVM
import ClassicBPF
import PacketBuffer

/// Classic programs run the way skbpf runs them everywhere: translated, verified as a socket
/// filter, and executed on a socket buffer, by the op loop and as machine code.
enum ClassicFixture {
    /// The interpreters of a translation: verified (op loop and native) or, for a loop, checked.
    static func interpreters(_ translation: ClassicTranslation) throws -> [Interpreter] {
        if translation.hasLoop {
            let executable = try ExecutableProgram(translation.program, mode: .checked, programType: .socketFilter,
                                                   allowsClassicExtensions: translation.callsClassicExtensions)
            return [Interpreter(program: executable, instructionBudget: 1_000_000)]
        }
        let report = try Verifier.verify(translation.program, type: .socketFilter,
                                         options: VerifierOptions(allowsClassicExtensions: translation.callsClassicExtensions))
        let executable = try ExecutableProgram(translation.program, mode: .unchecked, programType: .socketFilter,
                                               verification: report,
                                               allowsClassicExtensions: translation.callsClassicExtensions)
        let checked = try ExecutableProgram(translation.program, mode: .checked, programType: .socketFilter,
                                            allowsClassicExtensions: translation.callsClassicExtensions)
        return [Interpreter(program: executable, engine: .native), Interpreter(program: executable),
                Interpreter(program: checked)]
    }

    /// What every engine returns for `program` on `skb` (they must agree).
    static func run(_ program: ClassicProgram, on skb: SkBuff, options: ClassicTranslator.Options = .init(),
                    wireLength: Int? = nil) throws -> [UInt32] {
        let translation = try ClassicTranslator.translate(program, options: options)
        return try interpreters(translation).map { interpreter in
            let result = if let wireLength {
                try interpreter.run(context: skb, wireLength: wireLength)
            } else {
                try interpreter.run(context: skb)
            }
            return UInt32(truncatingIfNeeded: result.returnValue)
        }
    }

    /// `frame` as a packet socket on the loopback device receives it: `data` at the Ethernet
    /// header, `protocol` from it (802.3 lengths as `eth_type_trans` reads them), the packet type
    /// from the destination against lo's all-zero address, an outer VLAN tag taken out of the
    /// bytes into `vlan_proto`/`vlan_tci` (`skb_vlan_untag`), ifindex 1, `mark`.
    static func loopbackBuffer(_ frame: [UInt8], mark: UInt32 = 0) -> SkBuff {
        let skb = SkBuff(capacity: frame.count + 256, headroom: 128)
        skb.put(frame.count).copyMemory(from: frame, byteCount: frame.count)
        skb.resetMacHeader()
        var type = UInt16(frame[12]) << 8 | UInt16(frame[13])
        if (type == 0x8100 || type == 0x88a8) && frame.count >= 18 {
            let tci = UInt16(frame[14]) << 8 | UInt16(frame[15])
            (skb.data + 4).copyMemory(from: skb.data, byteCount: 12)
            _ = skb.pull(4)
            skb.resetMacHeader()
            skb.metadata.pointee.vlanProtoBigEndian = type.bigEndian
            skb.metadata.pointee.vlanTCI = tci
            type = UInt16(frame[16]) << 8 | UInt16(frame[17])
        }
        skb.setNetworkHeader(offsetFromData: 14)
        skb.resetMacLength()
        if type < 0x0600 {
            let isRaw8023 = skb.length >= 16 && skb.data.load(fromByteOffset: 14, as: UInt16.self) == 0xffff
            type = isRaw8023 ? 0x0001 : 0x0004  // ETH_P_802_3, ETH_P_802_2
        }
        skb.protocolBigEndian = type.bigEndian
        let destination = Array(UnsafeRawBufferPointer(start: skb.data, count: 6))
        if destination.allSatisfy({ $0 == 0 }) {
            skb.packetType = .host
        } else if destination[0] & 1 == 1 {
            skb.packetType = destination.allSatisfy { $0 == 0xff } ? .broadcast : .multicast
        } else {
            skb.packetType = .otherHost
        }
        skb.ifindex = 1
        skb.ingressIfindex = 1
        skb.mark = mark
        return skb
    }

    /// What a packet socket would receive: nothing for 0, else the frame cut to the value.
    static func delivered(_ value: UInt32, length: Int) -> Int? { value == 0 ? nil : min(length, Int(value)) }
}
