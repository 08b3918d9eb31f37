public import BPFABI
import Glibc
import PacketBuffer

// Linux helpers by id (`call imm` of a tc or socket-filter program), dispatched by one switch:
// out of the hot loop, called only by `callLinux` ops. Arguments arrive in r1–r5, the result
// goes to r0, as `BPF_CALL_x` in net/core/filter.c, kernel/bpf/helpers.c and ringbuf.c.
//
// Memory arguments are checked against the run's regions in checked mode (a program no verifier
// has seen may pass anything); the context argument must be the context pointer, a map argument
// a map handle of the right type. Such refusals end the run with a trap naming the helper — they
// are what the verifier will reject before a run (issue 4). Everything else (sizes, flags,
// offsets) is the kernel's own run-time check, with its return value.

extension Interpreter {
    /// Calls Linux helper `id`. A helper that moved or resized the packet returns
    /// ``HelperOutcome/packetChanged`` after updating the packet region; `bpf_tail_call` returns
    /// ``HelperOutcome/tailCall`` with the target's ops in `state.tailCallOps`.
    @inline(never)
    static func callLinux(_ id: UInt64, _ r: UnsafeMutablePointer<UInt64>, _ checker: MemoryChecker,
                          _ state: inout RunState) -> HelperOutcome {
        let owner = state.owner
        let environment = owner.environment
        let skb = state.skb
        let r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4], r5 = r[5]

        func fault(_ message: String) -> HelperOutcome {
            owner.faultMessage = message
            return .fault
        }
        /// `count` bytes at `address` if the run may access them.
        func memory(_ address: UInt64, _ count: UInt64, write: Bool) -> UnsafeMutableRawBufferPointer? {
            guard count <= UInt64(Int32.max) else { return nil }
            if count == 0 { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
            guard checker.permits(address, Int(count), write: write) else { return nil }
            return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: UInt(address)), count: Int(count))
        }
        func outside(_ register: String, _ address: UInt64, _ count: UInt64) -> String {
            "\(register) = 0x\(String(address, radix: 16)) (\(count) bytes) is not memory the program may pass"
        }
        func map(_ handle: UInt64, for helper: HelperID) -> (BPFMap?, String?) {
            guard let map = environment.maps.map(handle: handle) else {
                return (nil, "R\(helper == .tailCall ? 2 : 1) is not a map (0x\(String(handle, radix: 16)))")
            }
            if let refusal = HelperCallError.checkMap(map.type, passedTo: helper) { return (nil, refusal.description) }
            return (map, nil)
        }
        var isContext: Bool { r1 == state.contextAddress }
        func result(_ value: UInt64) -> HelperOutcome {
            r[0] = value
            return .proceed
        }
        func result(errno value: Int) -> HelperOutcome { result(UInt64(bitPattern: Int64(value))) }
        /// r0 = `value`, and the packet region follows the buffer's new geometry.
        func packetResult(_ value: UInt64) -> HelperOutcome {
            r[0] = value
            owner.updatePacketRegion(skb, &state)
            return .packetChanged
        }

        let helper = HelperID(rawValue: Int32(truncatingIfNeeded: id))
        switch helper {
        // Maps
        case .mapLookupElem, .mapUpdateElem, .mapDeleteElem, .mapLookupPercpuElem:
            let (found, refusal) = map(r1, for: helper)
            guard let map = found else { return fault(refusal!) }
            // record_func_map(): a BPF_F_RDONLY_PROG map (.rodata) takes no update or delete.
            if !map.isProgramWritable && (helper == .mapUpdateElem || helper == .mapDeleteElem) {
                return fault("write into map forbidden")
            }
            guard let key = memory(r2, UInt64(map.keySize), write: false) else { return fault(outside("R2", r2, UInt64(map.keySize))) }
            let keyPointer = key.baseAddress ?? UnsafeMutableRawPointer(state.placeholderKey)
            switch helper {
            case .mapLookupElem:
                return result(map.lookup(keyPointer, cpu: environment.cpu).map { UInt64(UInt(bitPattern: $0)) } ?? 0)
            case .mapLookupPercpuElem:
                guard r3 < UInt64(map.cpuCount) else { return result(0) }
                return result(map.lookup(keyPointer, cpu: Int(r3)).map { UInt64(UInt(bitPattern: $0)) } ?? 0)
            case .mapUpdateElem:
                guard let value = memory(r3, UInt64(map.valueSize), write: false) else {
                    return fault(outside("R3", r3, UInt64(map.valueSize)))
                }
                return result(errno: map.update(keyPointer, value.baseAddress ?? keyPointer, flags: r4, cpu: environment.cpu))
            default:
                return result(errno: map.delete(keyPointer, cpu: environment.cpu))
            }
        // Time, randomness, CPU
        case .ktimeGetNs: return result(HelperEnvironment.nanoseconds(CLOCK_MONOTONIC))
        case .ktimeGetBootNs: return result(HelperEnvironment.nanoseconds(CLOCK_BOOTTIME))
        case .ktimeGetCoarseNs: return result(HelperEnvironment.nanoseconds(CLOCK_MONOTONIC_COARSE))
        case .ktimeGetTaiNs: return result(HelperEnvironment.nanoseconds(CLOCK_TAI))
        case .getPrandomU32: return result(UInt64(environment.nextRandom()))
        case .getSmpProcessorId: return result(UInt64(environment.cpu))
        case .getNumaNodeId: return result(0)
        // Sockets: the only one a program can hold is its packet's (`skb->sk`, a test run's).
        case .skFullsock, .tcpSock, .getListenerSock:
            guard let socket = skb.metadata.pointee.socket, r1 == UInt64(UInt(bitPattern: socket)) else {
                return fault("R1 = 0x\(String(r1, radix: 16)) is not a socket")
            }
            switch helper {
            case .skFullsock: return result(TestRunSocket.fullSocket(socket).map { UInt64(UInt(bitPattern: $0)) } ?? 0)
            case .getListenerSock: return result(TestRunSocket.listenerSocket(socket).map { UInt64(UInt(bitPattern: $0)) } ?? 0)
            default:
                // Only a TCP stream socket has a struct bpf_tcp_sock, and skbpf makes none.
                guard !TestRunSocket.isTCP(socket) else { return fault("bpf_tcp_sock: TCP sockets are not modelled") }
                return result(0)
            }
        case .tracePrintk:
            let formatSize = r2 & 0xffff_ffff  // fmt_size is a u32
            guard formatSize > 0, let format = memory(r1, formatSize, write: false) else {
                return fault(outside("R1", r1, formatSize))
            }
            let read: TraceFormat.Reader = { address, count in
                memory(address, UInt64(count), write: false).map { Array(UnsafeRawBufferPointer($0)) }
            }
            switch TraceFormat.format(UnsafeRawBufferPointer(format), arguments: [r3, r4, r5], read: read) {
            case .failure(let refusal):
                return result(refusal.returnValue)
            case .success(let message):
                // The trace pipe ends each line itself: one trailing newline of the message is dropped.
                let text = message.text.last == UInt8(ascii: "\n") ? message.text.dropLast() : message.text[...]
                environment.traceSink?(String(decoding: text, as: UTF8.self))
                return result(UInt64(message.length))
            }
        // Tail calls
        case .tailCall:
            guard isContext else { return fault("R1 is not the context") }
            let (found, refusal) = map(r2, for: helper)
            guard let array = found as? ProgramArrayMap else { return fault(refusal ?? "R2 is not a prog array") }
            // bpf_tail_call: index in range, then the count (even for an empty slot), then the slot.
            guard r3 & 0xffff_ffff < UInt64(array.maxEntries) else { return .proceed }
            guard state.tailCalls < maximumTailCalls else { return .proceed }
            state.tailCalls += 1
            guard let id = array.program(at: UInt32(truncatingIfNeeded: r3)),
                  id >= 0, id < environment.tailCallTargets.count
            else { return .proceed }
            state.tailCallOps = UnsafePointer(environment.tailCallTargets[id].ops)
            return .tailCall
        // Packet data
        case .skbLoadBytes:
            guard isContext else { return fault("R1 is not the context") }
            guard let to = memory(r3, r4, write: true) else { return fault(outside("R3", r3, r4)) }
            return result(SkBuffHelpers.loadBytes(skb, offset: r2 & 0xffff_ffff, to: to))
        case .skbLoadBytesRelative:
            guard isContext else { return fault("R1 is not the context") }
            guard let to = memory(r3, r4, write: true) else { return fault(outside("R3", r3, r4)) }
            return result(SkBuffHelpers.loadBytesRelative(skb, offset: r2 & 0xffff_ffff, to: to, startHeader: r5))
        case .skbStoreBytes:
            guard isContext else { return fault("R1 is not the context") }
            guard let from = memory(r3, r4, write: false) else { return fault(outside("R3", r3, r4)) }
            return packetResult(SkBuffHelpers.storeBytes(skb, offset: r2 & 0xffff_ffff, from: UnsafeRawBufferPointer(from), flags: r5))
        case .l3CsumReplace:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.l3ChecksumReplace(skb, offset: r2 & 0xffff_ffff, from: r3, to: r4, flags: r5))
        case .l4CsumReplace:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.l4ChecksumReplace(skb, offset: r2 & 0xffff_ffff, from: r3, to: r4, flags: r5))
        case .csumDiff:
            guard let from = memory(r1, r2 & 0xffff_ffff, write: false) else { return fault(outside("R1", r1, r2)) }
            guard let to = memory(r3, r4 & 0xffff_ffff, write: false) else { return fault(outside("R3", r3, r4)) }
            return result(SkBuffHelpers.checksumDifference(from: UnsafeRawBufferPointer(from), to: UnsafeRawBufferPointer(to), seed: r5))
        // Packet structure
        case .skbChangeProto:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.changeProtocol(skb, protocol: r2, flags: r3))
        case .skbChangeType:
            guard isContext else { return fault("R1 is not the context") }
            return result(SkBuffHelpers.changeType(skb, r2 & 0xffff_ffff))
        case .skbChangeTail:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.changeTail(skb, length: r2, flags: r3))
        case .skbChangeHead:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.changeHead(skb, headroom: r2, flags: r3))
        case .skbPullData:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.pullData(skb, length: r2))
        case .skbAdjustRoom:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.adjustRoom(skb, lengthDifference: r2, mode: r3, flags: r4))
        case .skbVlanPush:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.vlanPush(skb, protocol: r2, tci: r3))
        case .skbVlanPop:
            guard isContext else { return fault("R1 is not the context") }
            return packetResult(SkBuffHelpers.vlanPop(skb))
        // Hash
        case .getHashRecalc:
            guard isContext else { return fault("R1 is not the context") }
            return result(SkBuffHelpers.getHashRecalc(skb))
        case .setHashInvalid:
            guard isContext else { return fault("R1 is not the context") }
            SkBuffHelpers.clearHash(skb)
            return result(0)
        case .setHash:
            guard isContext else { return fault("R1 is not the context") }
            return result(SkBuffHelpers.setHash(skb, r2))
        // Redirects
        case .redirect:
            var request: RedirectRequest? = nil
            let value = SkBuffHelpers.redirect(ifindex: r1, flags: r2, request: &request)
            if request != nil { state.redirect = request }
            return result(value)
        case .cloneRedirect:
            guard isContext else { return fault("R1 is not the context") }
            let device = environment.device(UInt32(truncatingIfNeeded: r2))
            let clone = environment.cloneBuffer
            let value = SkBuffHelpers.cloneRedirect(skb, ifindex: r2, flags: r3, device: device, clone: clone)
            if value == 0, let device { environment.cloneSink?(clone, device, r3) }
            return packetResult(value)
        // Ring buffers and perf events
        case .ringbufOutput:
            let (found, refusal) = map(r1, for: helper)
            guard let ring = found as? RingBufferMap else { return fault(refusal ?? "R1 is not a ring buffer") }
            guard let data = memory(r2, r3, write: false) else { return fault(outside("R2", r2, r3)) }
            return result(errno: ring.output(UnsafeRawPointer(data.baseAddress ?? state.placeholderKey), count: r3, flags: r4))
        case .ringbufReserve:
            let (found, refusal) = map(r1, for: helper)
            guard let ring = found as? RingBufferMap else { return fault(refusal ?? "R1 is not a ring buffer") }
            guard r3 == 0 else { return result(0) }
            return result(ring.reserve(r2).map { UInt64(UInt(bitPattern: $0)) } ?? 0)
        case .ringbufSubmit, .ringbufDiscard:
            guard let ring = environment.maps.ringBuffer(containing: r1),
                  let sample = UnsafeMutableRawPointer(bitPattern: UInt(r1)),
                  ring.commit(sample, discard: helper == .ringbufDiscard)
            else { return fault("R1 = 0x\(String(r1, radix: 16)) is not a reserved ring buffer record") }
            return result(0)
        case .ringbufQuery:
            let (found, refusal) = map(r1, for: helper)
            guard let ring = found as? RingBufferMap else { return fault(refusal ?? "R1 is not a ring buffer") }
            return result(ring.query(r2))
        case .perfEventOutput:
            guard isContext else { return fault("R1 is not the context") }
            let (found, refusal) = map(r2, for: helper)
            guard let perf = found as? PerfEventArrayMap else { return fault(refusal ?? "R2 is not a perf event array") }
            guard let data = memory(r4, r5, write: false) else { return fault(outside("R4", r4, r5)) }
            // bpf_skb_event_output: the upper flag bits ask for that many packet bytes after the data.
            guard r3 & ~(PerfEventOutputFlags.contextLengthMask | PerfEventOutputFlags.indexMask) == 0 else {
                return result(HelperErrno.invalid.returnValue)
            }
            let packetBytes = (r3 & PerfEventOutputFlags.contextLengthMask) >> 32
            guard packetBytes <= UInt64(skb.length) else { return result(HelperErrno.fault.returnValue) }
            let trailer = UnsafeRawBufferPointer(start: skb.data, count: Int(packetBytes))
            return result(errno: perf.output(flags: r3 & PerfEventOutputFlags.indexMask, cpu: environment.cpu,
                                             UnsafeRawBufferPointer(data), trailer: trailer))
        // The kernel-internal calls of translated classic programs (HelperID+ClassicExtensions.swift)
        case .classicPayloadOffset:
            guard isContext else { return fault("R1 is not the context") }
            return result(UInt64(SkBuffHelpers.payloadOffset(skb)))
        case .classicNetlinkAttribute, .classicNestedNetlinkAttribute:
            guard isContext else { return fault("R1 is not the context") }
            return result(UInt64(SkBuffHelpers.netlinkAttribute(
                skb, a: UInt32(truncatingIfNeeded: r2), x: UInt32(truncatingIfNeeded: r3),
                nested: helper == .classicNestedNetlinkAttribute)))
        case .classicDeviceType:
            guard isContext else { return fault("R1 is not the context") }
            let ifindex = state.context.pointee.ifindex
            return result(UInt64(SkBuffHelpers.deviceType(ifindex: ifindex, device: environment.device(ifindex))))
        default:
            return fault("\(helper) is not implemented")
        }
    }

    /// Bounds of tail calls in one run (the kernel's `MAX_TAIL_CALL_CNT`).
    public static let maximumTailCalls = 33

    /// The Linux helpers skbpf implements (what `callLinux` dispatches), for load-time checks.
    public static let implementedLinuxHelpers: Set<HelperID> = [
        .mapLookupElem, .mapUpdateElem, .mapDeleteElem, .mapLookupPercpuElem, .ktimeGetNs, .ktimeGetBootNs,
        .ktimeGetCoarseNs, .ktimeGetTaiNs, .getPrandomU32, .getSmpProcessorId, .getNumaNodeId, .tracePrintk,
        .tailCall, .skbLoadBytes, .skbLoadBytesRelative, .skbStoreBytes, .l3CsumReplace, .l4CsumReplace, .csumDiff,
        .skbChangeProto, .skbChangeType, .skbChangeTail, .skbChangeHead, .skbPullData, .skbAdjustRoom,
        .skbVlanPush, .skbVlanPop, .getHashRecalc, .setHashInvalid, .setHash, .redirect, .cloneRedirect,
        .ringbufOutput, .ringbufReserve, .ringbufSubmit, .ringbufDiscard, .ringbufQuery, .perfEventOutput,
        .skFullsock, .tcpSock, .getListenerSock,
    ]

    /// Points region 0 and the legacy-load packet at `skb`'s current data (after a helper moved
    /// or resized it), in the state and in the region table the loop's checker reloads from.
    func updatePacketRegion(_ skb: SkBuff, _ state: inout RunState) {
        let metaLength = skb.metaLength
        regions[0] = MemoryRegion(start: skb.data - metaLength, byteCount: metaLength + skb.length,
                                  isWritable: regions[0].isWritable, name: "packet")
        state.packetStart = UInt64(UInt(bitPattern: skb.data))
        state.packetLength = UInt64(skb.length)
        state.checker.reloadFirstRegion()
    }
}
