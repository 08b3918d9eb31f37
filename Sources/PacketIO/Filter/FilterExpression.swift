// tcpdump filter expressions, compiled by libpcap's own compiler, so that an expression means
// exactly what it means to tcpdump: a dead handle describes the link type and snapshot length
// (`pcap_open_dead`), `pcap_compile` compiles with the optimizer on and no netmask
// (`PCAP_NETMASK_UNKNOWN`, as tcpdump -r uses), and libpcap's error comes back word for word
// (`pcap_geterr`): "expression rejects all packets", "no VLAN support for Linux cooked v1"…
//
// A `host NAME` or `port NAME` resolves through the system (getaddrinfo, /etc/services), which is
// why this lives with the other calls into the OS.

internal import CPcap
public import ClassicBPF
import Synchronization

/// A tcpdump expression compiled to a classic program for one link type.
public struct FilterExpression: Sendable, Hashable {
    /// The expression as given.
    public let text: String
    /// The link type offsets were computed for: offset 0 is the start of its header.
    public let linkType: LinkType
    /// The snapshot length it was compiled for (what an accepting `ret` returns).
    public let snapshotLength: Int
    /// The compiled program, as `tcpdump -ddd` would list it.
    public let program: ClassicProgram

    /// libpcap's `MAXIMUM_SNAPLEN`, tcpdump's default snapshot length.
    public static let defaultSnapshotLength = 262_144

    /// Compiles `text` with `pcap_compile(3)` for `linkType` and `snapshotLength`.
    /// - Throws: ``FilterExpressionError`` with libpcap's message verbatim.
    public init(_ text: String, linkType: LinkType, snapshotLength: Int = defaultSnapshotLength, optimize: Bool = true)
        throws(FilterExpressionError)
    {
        guard snapshotLength >= 1 && snapshotLength <= Int(Int32.max) else {
            throw FilterExpressionError(expression: text, linkType: linkType,
                                        message: "snapshot length \(snapshotLength) is outside 1...\(Int32.max)")
        }
        let compiled: Result<[ClassicInstruction], FilterExpressionError> = Self.compilerLock.withLock { _ in
            guard let handle = pcap_open_dead(linkType.rawValue, Int32(snapshotLength)) else {
                return .failure(FilterExpressionError(expression: text, linkType: linkType, message: "pcap_open_dead failed"))
            }
            defer { pcap_close(handle) }
            return Self.compile(text, handle: handle, linkType: linkType, optimize: optimize)
        }
        self.text = text
        self.linkType = linkType
        self.snapshotLength = snapshotLength
        self.program = ClassicProgram(try compiled.get())
    }

    init(text: String, linkType: LinkType, snapshotLength: Int, program: ClassicProgram) {
        self.text = text
        self.linkType = linkType
        self.snapshotLength = snapshotLength
        self.program = program
    }

    /// `pcap_compile(3)` on `handle`, then the program copied out and freed (`pcap_freecode`).
    static func compile(_ text: String, handle: OpaquePointer, linkType: LinkType, optimize: Bool)
        -> Result<[ClassicInstruction], FilterExpressionError>
    {
        var program = bpf_program()
        guard pcap_compile(handle, &program, text, optimize ? 1 : 0, PCAP_NETMASK_UNKNOWN) == 0 else {
            return .failure(FilterExpressionError(expression: text, linkType: linkType,
                                                  message: String(cString: pcap_geterr(handle))))
        }
        defer { pcap_freecode(&program) }
        var instructions: [ClassicInstruction] = []
        instructions.reserveCapacity(Int(program.bf_len))
        for index in 0..<Int(program.bf_len) {
            let insn = program.bf_insns[index]
            instructions.append(ClassicInstruction(code: insn.code, jt: insn.jt, jf: insn.jf, k: insn.k))
        }
        return .success(instructions)
    }

    /// libpcap's compiler keeps state in the handle, but name lookups and older versions do not
    /// promise reentrancy: one compilation at a time.
    static let compilerLock = Mutex(())
}

/// libpcap refused an expression; ``message`` is `pcap_geterr(3)` verbatim.
public struct FilterExpressionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var expression: String
    public var linkType: LinkType
    public var message: String

    public init(expression: String, linkType: LinkType, message: String) {
        self.expression = expression
        self.linkType = linkType
        self.message = message
    }

    /// `'vlan' (LINUX_SLL): no VLAN support for Linux cooked v1`.
    public var description: String { "'\(expression)' (\(linkType.name)): \(message)" }
}

extension PcapReader {
    /// Compiles `expression` for this capture as `tcpdump -r FILE EXPR` does: with the file's own
    /// handle, so libpcap makes the choices it makes only for savefiles (a `DLT_NULL` capture's
    /// IPv6 test takes the BSD address families, and a byte-swapped file's family is swapped),
    /// for the file's link type and snapshot length. The corresponding C function is
    /// `pcap_compile(3)`.
    public func compileFilter(_ expression: String, optimize: Bool = true) throws(FilterExpressionError) -> FilterExpression {
        let compiled = FilterExpression.compilerLock.withLock { _ in
            FilterExpression.compile(expression, handle: handle, linkType: linkType, optimize: optimize)
        }
        return FilterExpression(text: expression, linkType: linkType, snapshotLength: snapshotLength,
                                program: ClassicProgram(try compiled.get()))
    }
}
