import BPFABI
import BPFISA
import Testing

@Suite struct XDPContextTests {
    /// 6.18, measured with kernel_oracle.py (type xdp): of every offset -4..<28 x size 1/2/4/8 x
    /// {LDX, STX, ST}, exactly the 4-byte reads at 0, 4, 8, 12 and 16 are accepted.
    @Test func everyAccessMatchesTheKernel() {
        var accepted: [String] = []
        for kind in [ContextAccessKind.read, .write(storeImmediate: false), .write(storeImmediate: true)] {
            for offset in -4..<28 {
                for size in AccessSize.allCases {
                    switch xdpContextAccess(offset: offset, size: size, kind: kind) {
                    case .success: accepted.append("\(kind.isWrite ? "w" : "r")\(offset)/\(size.byteCount)")
                    case .failure(let refusal):
                        #expect(refusal.description == "invalid bpf_context access off=\(offset) size=\(size.byteCount)")
                    }
                }
            }
        }
        #expect(accepted == ["r0/4", "r4/4", "r8/4", "r12/4", "r16/4"])
    }

    @Test func pointerFields() throws {
        #expect(try xdpContextAccess(offset: 0, size: .word, kind: .read).get() == .pointer(.packet))
        #expect(try xdpContextAccess(offset: 4, size: .word, kind: .read).get() == .pointer(.packetEnd))
        #expect(try xdpContextAccess(offset: 8, size: .word, kind: .read).get() == .pointer(.packetMeta))
        #expect(try xdpContextAccess(offset: 12, size: .word, kind: .read).get() == .value)
    }

    @Test func refusalsSayWhy() {
        func reason(_ offset: Int, _ size: AccessSize, _ kind: ContextAccessKind = .read) -> ContextAccessError.Reason? {
            if case .failure(let refusal) = xdpContextAccess(offset: offset, size: size, kind: kind) { refusal.reason } else { nil }
        }
        #expect(reason(2, .byte) == .wholeFieldsOnly)
        #expect(reason(2, .word) == .misaligned)
        #expect(reason(24, .word) == .outOfBounds)
        #expect(reason(20, .word) == .devmapOnly)
        #expect(reason(12, .word, .write(storeImmediate: false)) == .contextReadOnly)
        // Asked of the __sk_buff rules, an xdp program has no such struct.
        if case .failure(let refusal) = contextAccess(programType: .xdp, offset: 0, size: .word, kind: .read) {
            #expect(refusal.reason == .notSkBuffContext)
        } else {
            Issue.record("xdp accepted as __sk_buff")
        }
    }
}
