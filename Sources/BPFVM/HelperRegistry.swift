/// A helper function a program calls with `call imm` (or `callx reg`), keyed by helper id.
///
/// Arguments arrive in r1–r5; the result goes to r0. A helper that touches program memory
/// goes through ``HelperCall/bytes(at:count:writable:)``, which in checked mode allows only
/// what the run's regions allow.
public struct HelperFunction: Sendable {
    public var name: String
    public var body: @Sendable (inout HelperCall) -> HelperResult

    public init(name: String, body: @escaping @Sendable (inout HelperCall) -> HelperResult) {
        self.name = name
        self.body = body
    }
}

/// What a helper returns: a value for r0, an instruction to end the program, or a refusal.
public enum HelperResult: Sendable {
    case value(UInt64)
    /// End the program now with this r0 (ubpf's "unwind" extension).
    case stop(UInt64)
    /// The helper refused its arguments: the run ends with a trap.
    case fault(String)
}

/// One helper invocation: the argument registers and checked access to the run's memory.
public struct HelperCall {
    public var r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64
    let memory: MemoryChecker

    /// The bytes `[address, address + count)` if the run may access them (for writing when `writable`).
    public func bytes(at address: UInt64, count: Int, writable: Bool) -> UnsafeMutableRawBufferPointer? {
        guard count >= 0 else { return nil }
        if count == 0 { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        guard memory.permits(address, count, write: writable) else { return nil }
        return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: UInt(address)), count: count)
    }
}

/// Helpers by id. Ids are those of the helper set in use (Linux ids, or a test harness's own).
public struct HelperRegistry: Sendable {
    private var functions: [Int32: HelperFunction] = [:]

    public init() {}

    public subscript(id: Int32) -> HelperFunction? {
        get { functions[id] }
        set { functions[id] = newValue }
    }

    public var ids: [Int32] { functions.keys.sorted() }
}
