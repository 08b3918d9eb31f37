import BPFABI

/// `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: one perf event buffer per slot, each bound to a CPU, that
/// `bpf_perf_event_output()` appends samples to and user space reads back per slot.
///
/// In the kernel a slot holds a perf event file descriptor user space opened on one CPU; with
/// none open (as under `BPF_PROG_TEST_RUN` with a fresh map) output fails with `-ENOENT`. Here
/// ``open(index:cpu:)`` stands for opening the event: it gives the slot a buffer of
/// ``bufferByteCount`` bytes. Samples are kept as `[size: u32][0: u32][bytes][pad to 8]`; a full
/// buffer drops the sample, counts it lost and returns `-ENOSPC`, as `perf_output_begin()` does.
public final class PerfEventArrayMap: BPFMap {
    /// Bytes of each open slot's buffer (a multiple of 8).
    public let bufferByteCount: Int
    /// Per slot: the bound CPU (-1 when closed), positions, and lost samples.
    let slots: UnsafeMutablePointer<Slot>
    /// Per slot: `bufferByteCount` bytes and as many spare bytes for samples that wrap.
    let buffers: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    struct Slot {
        var cpu: Int = -1
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var lost = 0
    }

    /// The default size of a slot's buffer: 64 KiB.
    public static let defaultBufferByteCount = 64 * 1024

    init(name: String, definition: MapDefinition, cpuCount: Int, bufferByteCount: Int) {
        var size = 4096
        while size < bufferByteCount { size <<= 1 }
        self.bufferByteCount = size
        slots = MapMemory.allocate(Slot.self, count: Int(definition.maxEntries), repeating: Slot())
        buffers = MapMemory.allocate(UnsafeMutableRawPointer?.self, count: Int(definition.maxEntries), repeating: nil)
        super.init(name: name, definition: definition, cpuCount: cpuCount)
    }

    deinit {
        for i in 0..<maxEntries { buffers[i]?.deallocate() }
        buffers.deallocate()
        slots.deallocate()
    }

    /// Opens slot `index` on `cpu` (default: CPU `index`, as libbpf's perf buffer opens one event
    /// per CPU). Returns false when `index` is beyond `max_entries`. Reopening empties the slot.
    @discardableResult
    public func open(index: Int, cpu: Int? = nil) -> Bool {
        guard index >= 0, index < maxEntries else { return false }
        if buffers[index] == nil { buffers[index] = MapMemory.allocate(byteCount: 2 * bufferByteCount, alignment: 8) }
        slots[index] = Slot(cpu: cpu ?? index)
        return true
    }

    /// Opens slots 0..<min(`max_entries`, CPUs), each on its own CPU.
    public func openAll() {
        for i in 0..<min(maxEntries, cpuCount) { open(index: i) }
    }

    /// Closes slot `index`: later output to it fails with `-ENOENT`.
    public func close(index: Int) {
        guard index >= 0, index < maxEntries else { return }
        slots[index].cpu = -1
    }

    /// True when slot `index` is open.
    public func isOpen(index: Int) -> Bool { index >= 0 && index < maxEntries && slots[index].cpu >= 0 }

    /// Samples slot `index` dropped because its buffer was full.
    public func lostCount(index: Int) -> Int { index >= 0 && index < maxEntries ? slots[index].lost : 0 }

    // MARK: - Helper path

    /// `__bpf_perf_event_output()`: appends `bytes` then `trailer` (the packet bytes
    /// `bpf_skb_event_output()` adds, empty otherwise) as one sample to slot `flags & BPF_F_INDEX_MASK`
    /// (`BPF_F_CURRENT_CPU`: the slot of `cpu`), from worker `cpu`.
    ///
    /// Returns 0, `-E2BIG` (index beyond `max_entries`), `-ENOENT` (slot not open), `-EOPNOTSUPP`
    /// (slot bound to another CPU) or `-ENOSPC` (buffer full). The helper checks its flags and
    /// the `BPF_F_CTXLEN_MASK` length (`-EINVAL`, `-EFAULT`) before calling this.
    public func output(flags: UInt64, cpu: Int, _ bytes: UnsafeRawBufferPointer,
                       trailer: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> Int {
        var index = flags & PerfEventOutputFlags.indexMask
        if index == PerfEventOutputFlags.currentCPU { index = UInt64(cpu) }
        guard index < UInt64(maxEntries) else { return MapErrno.e2big.helperResult }
        let i = Int(index)
        guard slots[i].cpu >= 0, let buffer = buffers[i] else { return MapErrno.enoent.helperResult }
        guard slots[i].cpu == cpu else { return MapErrno.eopnotsupp.helperResult }
        let size = bytes.count + trailer.count
        let length = UInt64(MapMemory.roundUp8(size + 8))
        let mask = UInt64(bufferByteCount - 1)
        guard size <= Int(UInt32.max), length <= UInt64(bufferByteCount) - (slots[i].head - slots[i].tail) else {
            slots[i].lost += 1
            return MapErrno.enospc.helperResult
        }
        let record = buffer + Int(slots[i].head & mask)
        record.storeBytes(of: UInt32(size), as: UInt32.self)
        record.storeBytes(of: 0, toByteOffset: 4, as: UInt32.self)
        if let base = bytes.baseAddress { (record + 8).copyMemory(from: base, byteCount: bytes.count) }
        if let base = trailer.baseAddress { (record + 8 + bytes.count).copyMemory(from: base, byteCount: trailer.count) }
        slots[i].head += length
        return 0
    }

    public override var userValueSize: Int { 4 }
    public override var isListable: Bool { false }

    /// Opening a perf event from user space: the value names the CPU to bind slot `key` to.
    override func userUpdate(_ key: UnsafeRawPointer, _ value: UnsafeRawPointer, flags: UInt64) -> Int {
        if flags != MapUpdateFlags.any { return MapErrno.einval.helperResult }
        let index = Int(key.loadUnaligned(as: UInt32.self))
        guard index < maxEntries else { return MapErrno.e2big.helperResult }
        open(index: index, cpu: Int(UInt32(littleEndian: value.loadUnaligned(as: UInt32.self))))
        return 0
    }

    override func userDelete(_ key: UnsafeRawPointer) -> Int {
        let index = Int(key.loadUnaligned(as: UInt32.self))
        guard index < maxEntries else { return MapErrno.e2big.helperResult }
        guard slots[index].cpu >= 0 else { return MapErrno.enoent.helperResult }
        close(index: index)
        return 0
    }

    override func userNextKey(after key: UnsafeRawPointer?, into next: UnsafeMutableRawPointer) -> Int {
        arrayNextKey(after: key, into: next, maxEntries: maxEntries)
    }

    // MARK: - Reader (user space)

    /// Hands every sample to `body` with its slot index, slot by slot, oldest first within a slot,
    /// and frees their space. Returns how many samples `body` received. The buffer is valid only
    /// during the call.
    @discardableResult
    public func consume<E: Error>(_ body: (_ index: Int, _ sample: UnsafeRawBufferPointer) throws(E) -> Void) throws(E) -> Int {
        var delivered = 0
        let mask = UInt64(bufferByteCount - 1)
        for i in 0..<maxEntries {
            guard let buffer = buffers[i] else { continue }
            while slots[i].tail < slots[i].head {
                let record = buffer + Int(slots[i].tail & mask)
                let size = Int(record.load(as: UInt32.self))
                slots[i].tail += UInt64(MapMemory.roundUp8(size + 8))
                delivered += 1
                try body(i, UnsafeRawBufferPointer(start: record + 8, count: size))
            }
        }
        return delivered
    }

    /// Every sample not yet consumed, as (slot, bytes), consuming them.
    public func drain() -> [(index: Int, bytes: [UInt8])] {
        var samples: [(index: Int, bytes: [UInt8])] = []
        consume { (index: Int, sample: UnsafeRawBufferPointer) in samples.append((index, Array(sample))) }
        return samples
    }
}
