public import PacketBuffer
import BPFVM

// A capture filter: a program that judges a packet as it was captured, before the device takes
// it in — the replay's `--filter EXPR`, a tcpdump expression whose offsets count from the
// capture's own link-layer header, VLAN tags in place, `len` the length on the wire. The
// receive path changes the frame before the `ingress` hook (a VLAN tag moves out of the bytes,
// a cooked or raw-IP capture's link header is taken off), so the filter runs first, on the
// record as read, and counts as the first program at the device's `ingress`:
//
//   filterArrival ─┬─ refused (0): dropped at ingress, reason `filtered`; the packet's way ends
//                  └─ accepted: the caller loads and prepares the frame, then receiveFiltered ─► ingress …
//
// The two calls together book exactly what `receive` books, plus the filter's run. A refused
// packet is counted (the filter's drops, the ingress hook's, the device's, `filtered` among the
// reasons) but not handed to the sink: it never became a packet of the datapath, as `tcpdump -w`
// does not write what its filter refuses. That is most packets of a selective filter, and
// writing them was the whole cost of such a replay (measured: 0.9 GB of dropped.pcap per
// million packets, 0.56 s of a 0.6 s run).

extension Datapath {
    /// Runs capture filter `index` (an attachment whose specification ``AttachmentSpecification/isCaptureFilter``)
    /// on `packet`, a captured record as read (`len` is `wireLength`), arriving on device `device`,
    /// and books the run as the first at the device's `ingress`. Returns nil when the filter
    /// accepted the packet (load it into a buffer and continue with ``receiveFiltered(_:on:)``),
    /// or the packet's fate when it refused it (a return value of 0, or a fault): dropped at
    /// `ingress`, reason ``DropReason/filtered``, and not reported to the sink.
    ///
    /// The packet need not be in a socket buffer: a refused one never is (measured: copying
    /// every record into the buffer first was a third of a selective replay's time).
    public func filterArrival(_ packet: UnsafeRawBufferPointer, wireLength: Int, on device: Int, attachment index: Int)
        -> PacketFate?
    {
        totalCounters.pointee.received &+= 1
        beginPacket(recording: recordsTrails)
        let attachment = attachmentFacts[index]
        let c = programCounters + index
        c.pointee.runs &+= 1
        c.pointee.bytes &+= packet.count
        let isTimed = c.pointee.runs & (Self.timingInterval - 1) == 0
        let start = isTimed ? Self.now() : 0
        var value: UInt64?
        do {
            let result = try attachment.interpreter._withUnsafeGuaranteedRef { try $0.run(packet: packet, wireLength: wireLength) }
            c.pointee.instructions &+= result.instructionsExecuted
            value = result.returnValue
        } catch {
            c.pointee.faults &+= 1
        }
        if isTimed {
            c.pointee.timedRuns &+= 1
            c.pointee.timedNanoseconds &+= max(0, Int(truncatingIfNeeded: Self.now() &- start) - Self.clockCost)
        }
        if let value, UInt32(truncatingIfNeeded: value) != 0 {
            if current.pointee.isRecording {
                trailStorage.pointee.append(PacketTrail.ProgramRun(attachment: index, hook: .ingress, returnValue: value))
            }
            c.pointee.passed &+= 1
            return nil
        }
        c.pointee.dropped &+= 1  // as a hook books a refusal or a fault
        let counters = deviceCounters + device
        counters.pointee.rxPackets &+= 1
        counters.pointee.rxBytes &+= packet.count
        counters.pointee.rxDropped &+= 1
        let hook = hookCounters + HookPoint.ingress.rawValue
        hook.pointee.packets &+= 1
        hook.pointee.bytes &+= packet.count
        hook.pointee.dropped &+= 1
        if current.pointee.isRecording { trailStorage.pointee.append(HookPoint.ingress) }
        let fate = PacketFate.dropped(.filtered, hook: .ingress)
        totalCounters.pointee.dropped &+= 1
        totalCounters.pointee.dropsByReason[DropReason.filtered.rawValue] &+= 1
        if current.pointee.isRecording {
            trailStorage.pointee.fate = fate
            trailStorage.pointee.mark = 0
            trailStorage.pointee.priority = 0
            trailStorage.pointee.redirects = 0
        }
        return fate
    }

    /// `receive` for a packet ``filterArrival(_:wireLength:on:attachment:)`` accepted, now in
    /// `skb` as `receive` takes it: the packet goes on through `ingress` and the rest, with the
    /// filter's run already in its trail.
    @discardableResult
    public func receiveFiltered(_ skb: SkBuff, on device: Int) -> PacketFate {
        skb.clearControlBlock()
        let fate = ingress(skb, device)
        finish(fate, skb, generated: false)
        if !pendingClones.isEmpty { sendPendingClones() }
        return fate
    }
}

extension Datapath {
    /// `reject` for a packet ``filterArrival(_:on:attachment:wireLength:)`` accepted but the
    /// device cannot take in (a link header cut short, an unsupported link type): dropped with
    /// `reason` on `device`, the filter's run kept in its trail.
    @discardableResult
    public func rejectFiltered(_ skb: SkBuff, on device: Int, reason: DropReason) -> PacketFate {
        deviceCounters[device].rxPackets &+= 1
        deviceCounters[device].rxBytes &+= skb.length
        deviceCounters[device].rxDropped &+= 1
        let fate = drop(skb, reason, at: nil, atLinkHeader: true)
        finish(fate, skb, generated: false)
        return fate
    }
}
