import BPFABI

/// `BPF_MAP_TYPE_PROG_ARRAY`: the jump table of `bpf_tail_call`, `max_entries` slots each empty
/// or holding a program.
///
/// A slot holds an opaque program number chosen by whoever fills the table (the loader's index
/// of the program); the interpreter resolves it when it performs the tail call and enforces the
/// limit of 33 tail calls. From user space a slot's value is that number as a 4-byte
/// little-endian `u32` (the kernel stores a program fd and reads back the program's id).
/// Mirrors kernel/bpf/arraymap.c's fd-array ops: updates take `BPF_ANY` only, an index beyond
/// `max_entries` is `E2BIG`, reading or deleting an empty slot `ENOENT`.
public final class ProgramArrayMap: BPFMap {
    /// The program number of each slot, -1 when empty.
    let slots: UnsafeMutablePointer<Int32>

    init(name: String, definition: MapDefinition, cpuCount: Int) {
        slots = MapMemory.allocate(Int32.self, count: Int(definition.maxEntries), repeating: -1)
        super.init(name: name, definition: definition, cpuCount: cpuCount)
    }

    deinit { slots.deallocate() }

    /// The program in slot `index`, or nil when the slot is empty or beyond `max_entries` (the
    /// tail call then falls through).
    @inline(__always)
    public func program(at index: UInt32) -> Int? {
        guard Int(index) < maxEntries else { return nil }
        let program = slots[Int(index)]
        return program < 0 ? nil : Int(program)
    }

    /// Puts `program` (a number from 0 to `Int32.max`) in slot `index`, or empties it with nil.
    /// Returns false when `index` is beyond `max_entries` or the number is out of range.
    @discardableResult
    public func setProgram(_ program: Int?, at index: Int) -> Bool {
        guard index >= 0, index < maxEntries else { return false }
        guard let program else {
            slots[index] = -1
            return true
        }
        guard program >= 0, program <= Int(Int32.max) else { return false }
        slots[index] = Int32(program)
        return true
    }

    public override var userValueSize: Int { 4 }

    override func userLookup(_ key: UnsafeRawPointer, into value: UnsafeMutableRawPointer) -> Int {
        guard let program = program(at: key.loadUnaligned(as: UInt32.self)) else { return MapErrno.enoent.helperResult }
        value.storeBytes(of: UInt32(program).littleEndian, as: UInt32.self)
        return 0
    }

    /// `bpf_fd_array_map_update_elem()`, with the value a program number instead of an fd.
    override func userUpdate(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        if flags != MapUpdateFlags.any { return MapErrno.einval.helperResult }
        let index = Int(key.loadUnaligned(as: UInt32.self))
        guard index < maxEntries else { return MapErrno.e2big.helperResult }
        let program = UInt32(littleEndian: value.loadUnaligned(as: UInt32.self))
        guard program <= UInt32(Int32.max) else { return MapErrno.einval.helperResult }
        slots[index] = Int32(program)
        return 0
    }

    /// `fd_array_map_delete_elem()`.
    override func userDelete(_ key: UnsafeRawPointer) -> Int {
        let index = Int(key.loadUnaligned(as: UInt32.self))
        guard index < maxEntries else { return MapErrno.e2big.helperResult }
        guard slots[index] >= 0 else { return MapErrno.enoent.helperResult }
        slots[index] = -1
        return 0
    }

    override func userNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        arrayNextKey(after: key, into: next, maxEntries: maxEntries)
    }
}
