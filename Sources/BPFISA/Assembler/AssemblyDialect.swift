/// The two assembly syntaxes: the conformance vectors' (`mov %r0, 1`) and LLVM's (`r0 = 1`).
public enum AssemblyDialect: String, Sendable, CaseIterable { case conformance, llvm }
