public import BPFVM

// Per-packet lookups kept in raw memory. Reading an element of `[[Int]]` or `[DeviceConfiguration]`
// retains and releases what the element holds (the inner array, a device's name and addresses);
// with two programs per packet those pairs were ~8% of a replay. These tables hold the same
// facts as plain values behind pointers, built once and never changed.

/// Lists of program (attachment) indices, stored end to end and read as buffers.
struct ProgramLists {
    private let storage: UnsafeMutablePointer<Int>
    private let spans: UnsafeMutablePointer<(start: Int, count: Int)>
    let count: Int

    init(_ lists: [[Int]]) {
        let total = lists.reduce(0) { $0 + $1.count }
        storage = .allocate(capacity: max(total, 1))
        spans = .allocate(capacity: max(lists.count, 1))
        var start = 0
        for (i, list) in lists.enumerated() {
            (storage + start).initialize(from: list, count: list.count)
            (spans + i).initialize(to: (start, list.count))
            start += list.count
        }
        count = lists.count
    }

    func deallocate() {
        storage.deallocate()
        spans.deallocate()
    }

    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<Int> {
        let span = spans[index]
        return UnsafeBufferPointer(start: storage + span.start, count: span.count)
    }
}

/// What the per-packet path reads of a device.
struct DeviceFacts {
    var hasLinkHeader: Bool
    var mtu: Int
    var macAddress: UInt64?
    var neighbourMACAddress: UInt64?

    init(_ device: DeviceConfiguration) {
        hasLinkHeader = device.hasLinkHeader
        mtu = device.mtu
        macAddress = device.macAddress
        neighbourMACAddress = device.neighbourMACAddress
    }
}

/// What the per-packet path reads of an attachment; the interpreter unretained (the
/// datapath's `attachments` array keeps it alive).
struct AttachmentFacts {
    let interpreter: Unmanaged<Interpreter>
    let isSocketFilter: Bool
    let mayWritePacket: Bool

    init(_ attachment: ProgramAttachment) {
        interpreter = .passUnretained(attachment.interpreter)
        isSocketFilter = attachment.isSocketFilter
        mayWritePacket = attachment.mayWritePacket
    }
}

extension UnsafeMutablePointer {
    /// A buffer of `values`, for a table of facts that lives as long as its owner.
    static func table(_ values: [Pointee]) -> UnsafeMutablePointer<Pointee> {
        let table = UnsafeMutablePointer<Pointee>.allocate(capacity: Swift.max(values.count, 1))
        table.initialize(from: values, count: values.count)
        return table
    }
}

/// What the datapath knows about the packet it is working on.
struct PacketState {
    /// Recorded in the trail (input packets only).
    var isRecording = false
    /// One the datapath made (a clone, a reply).
    var isProcessingGenerated = false
    var redirectCount = 0
    /// The Ethernet addresses it arrived with (for a header written back on output).
    var arrivalSource: UInt64 = 0
    var arrivalDestination: UInt64 = 0
    var hasArrivalAddresses = false
    /// Hooks with a tap (bit `1 << rawValue`): configuration, kept here so that the per-hook
    /// test is a load through the same pointer.
    var tapMask: UInt32 = 0
}
