import ClassicBPF
import Testing

/// The three ways a classic program is written down: what each reads, what it refuses and where.
@Suite struct ClassicFormatTests {
    static let ip: [ClassicInstruction] = [.ldh(12), .jeq(0x800, jt: 0, jf: 1), .ret(262_144), .ret(0)]

    @Test func decimalAsTcpdumpPrintsIt() throws {
        let text = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"
        #expect(ClassicProgram.textFormat(of: text) == .decimal)
        #expect(try ClassicProgram(text: text).instructions == Self.ip)
        #expect(ClassicProgram(Self.ip).decimalText == text)
    }

    @Test func decimalWithCommasAsIptablesWritesIt() throws {
        #expect(try ClassicProgram(text: "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0").instructions == Self.ip)
    }

    @Test func decimalAcceptsSpacingHexAndNegativeK() throws {
        let text = "\n  2\r\n48\t0 0 0xfffff000\n6 0 0 -1\n\n"
        #expect(try ClassicProgram(text: text).instructions == [.ldb(AncillaryField.protocol.k), .ret(0xffff_ffff)])
    }

    @Test func cArrayAsTcpdumpPrintsIt() throws {
        let text = """
            { 0x28, 0, 0, 0x0000000c },
            { 0x15, 0, 1, 0x00000800 },
            { 0x6, 0, 0, 0x00040000 },
            { 0x6, 0, 0, 0x00000000 },

            """
        #expect(ClassicProgram.textFormat(of: text) == .cArray)
        #expect(try ClassicProgram(text: text).instructions == Self.ip)
        #expect(ClassicProgram(Self.ip).cArrayText == text)
    }

    @Test func cArrayInsideADeclarationWithComments() throws {
        let text = """
            /* tcpdump -dd ip */
            struct sock_filter code[] = {
                { 0x28, 0, 0, 12 },   // ldh [12]
                { 0x15, 0, 1, 0x800 },
                { 6, 0, 0, 0x40000U },
                { 06, 00, 00, 0, },
            };
            """
        #expect(try ClassicProgram(text: text).instructions == Self.ip)
    }

    @Test func cArrayOuterBracesWithoutDeclaration() throws {
        #expect(try ClassicProgram(text: "{ { 0x6, 0, 0, 1 }, { 0x6, 0, 0, 2 } }").instructions == [.ret(1), .ret(2)])
    }

    @Test func binaryRecords() throws {
        let bytes: [UInt8] = [0x28, 0, 0, 0, 12, 0, 0, 0, 0x06, 0, 0, 0, 0xff, 0xff, 0, 0]
        let program = try ClassicProgram(decoding: bytes)
        #expect(program.instructions == [.ldh(12), .ret(0xffff)])
        #expect(program.encoded() == bytes)
    }

    @Test func assemblyIsNotClassic() {
        #expect(ClassicProgram.textFormat(of: "r0 = 0\nexit\n") == nil)
        #expect(ClassicProgram.textFormat(of: "mov %r0, 1\nexit\n") == nil)
        #expect(ClassicProgram.textFormat(of: "12\nldh [12]\n") == nil)
        #expect(ClassicProgram.textFormat(of: "12 13\n") == nil)
        #expect(ClassicProgram.textFormat(of: "") == nil)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var text: String
        var description: String
        var format: ClassicFormat
    }

    static let refusals: [Refusal] = [
        Refusal(text: "3\n40 0 0 12\n6 0 0 1\n", description: "f:1:1: the count on line 1 says 3 instructions, the file has 2",
                format: .decimal),
        Refusal(text: "2\n40 0 12\n6 0 0 1\n", description: "f:2:1: expected 'code jt jf k' (4 numbers), found 3 numbers",
                format: .decimal),
        Refusal(text: "1\n6 0 0 1x\n", description: "f:2:7: '1x' is not a number", format: .decimal),
        Refusal(text: "1\n6 256 0 1\n", description: "f:2:3: jt 256 does not fit in 8 bits", format: .decimal),
        Refusal(text: "1\n70000 0 0 1\n", description: "f:2:1: code 70000 does not fit in 16 bits", format: .decimal),
        Refusal(text: "1\n6 0 0 4294967296\n", description: "f:2:7: k 4294967296 does not fit in 32 bits", format: .decimal),
        Refusal(text: "0\n", description: "f:1:1: no instructions (a classic program has 1 to 4096)", format: .decimal),
        Refusal(text: "x\n6 0 0 1\n", description: "f:1: neither tcpdump -ddd text (a count, then 'code jt jf k' lines) nor tcpdump -dd text ('{ 0x28, 0, 0, 0x0000000c },' lines)",
                format: .decimal),
        Refusal(text: "{ 0x6, 0, 0 },\n", description: "f:1:13: expected ',', found '}'", format: .cArray),
        Refusal(text: "{ 0x6, 0, 0, 1 },\n{ 0x6, 0, zz, 1 },\n", description: "f:2:11: 'zz' is not a number", format: .cArray),
        Refusal(text: "{ 0x6, 0, 0, 1 } garbage", description: "f:1:18: expected '{', found 'garbage'", format: .cArray),
        Refusal(text: "struct sock_filter f[] = { { 0x6, 0, 0, 1 },", description: "f:1:45: expected '}', found the end of the file",
                format: .cArray),
        Refusal(text: "{ 0x6, 0, 0, 1 } /* open", description: "f:1:18: unterminated /* comment", format: .cArray),
    ]

    @Test(arguments: refusals)
    func refusalsNameTheLineAndColumn(_ refusal: Refusal) {
        #expect {
            try ClassicProgram(text: refusal.text, fileName: "f")
        } throws: { error in
            (error as? ClassicFormatError)?.description == refusal.description
        }
    }

    @Test func binaryRefusals() {
        #expect {
            try ClassicProgram(decoding: [UInt8](repeating: 6, count: 12), fileName: "f.cbpf")
        } throws: { error in
            (error as? ClassicFormatError)?.description
                == "f.cbpf: record 1: length 12 is not a multiple of 8 (struct sock_filter records are 8 bytes)"
        }
        #expect(throws: ClassicFormatError.self) { try ClassicProgram(decoding: [UInt8]()) }
        #expect(throws: ClassicFormatError.self) { try ClassicProgram(decoding: [UInt8](repeating: 6, count: 8 * 4097)) }
    }

    @Test func tooManyRecordsInText() {
        let text = "4097\n" + String(repeating: "6 0 0 1\n", count: 4097)
        #expect(throws: ClassicFormatError.self) { try ClassicProgram(text: text) }
    }
}
