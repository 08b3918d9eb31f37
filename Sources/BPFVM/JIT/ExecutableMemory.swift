import Glibc

/// Pages holding machine code: written while writable, then made read-and-execute (never both
/// at once, W^X). The one place outside PacketIO that asks the OS for something: a JIT needs
/// executable pages, which no Swift API hands out.
final class ExecutableMemory {
    let base: UnsafeMutableRawPointer
    let byteCount: Int

    /// Copies `code` into fresh pages and seals them; nil when the OS refuses (no memory, or a
    /// policy forbidding executable mappings), in which case the caller interprets instead.
    init?(code: [UInt8]) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = max(page, (code.count + page - 1) / page * page)
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapping != MAP_FAILED
        else { return nil }
        code.withUnsafeBytes { mapping.copyMemory(from: $0.baseAddress!, byteCount: code.count) }
        // int3 after the code: a wrong jump past the end stops at once.
        (mapping + code.count).initializeMemory(as: UInt8.self, repeating: 0xcc, count: size - code.count)
        guard mprotect(mapping, size, PROT_READ | PROT_EXEC) == 0 else {
            munmap(mapping, size)
            return nil
        }
        base = mapping
        byteCount = size
    }

    deinit { munmap(base, byteCount) }
}
