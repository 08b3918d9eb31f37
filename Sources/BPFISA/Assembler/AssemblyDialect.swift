/// The two assembly syntaxes the ``Assembler`` reads and the ``Disassembler`` prints.
public enum AssemblyDialect: String, Sendable, CaseIterable {
    /// The bpf_conformance / uBPF test-vector syntax: `mov %r0, 1`, `ldxw %r0, [%r1+4]`, `jeq %r1, 2, +3`.
    case conformance
    /// LLVM's BPF syntax as `llvm-objdump -d` prints it: `r0 = 0x1`, `w3 = *(u32 *)(r1 + 0x50)`,
    /// `if r4 > r3 goto +0x8`.
    case llvm
}
