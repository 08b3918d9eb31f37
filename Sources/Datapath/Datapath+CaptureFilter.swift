public import PacketBuffer

// A capture filter: a program that judges a packet as it was captured, before the device takes
// it in — the replay's `--filter EXPR`, a tcpdump expression whose offsets count from the
// capture's own link-layer header, VLAN tags in place, `len` the length on the wire. The
// receive path changes the frame before the `ingress` hook (a VLAN tag moves out of the bytes,
// a cooked or raw-IP capture's link header is taken off), so the filter runs first, on the
// record as read, and counts as the first program at the device's `ingress`:
//
//   filterArrival ─┬─ refused (0): dropped at ingress, reason `program`; the packet's way ends
//                  └─ accepted: the caller prepares the frame, then receiveFiltered ─► ingress …
//
// The two calls together book exactly what `receive` books, plus the filter's run.

extension Datapath {
    /// Runs capture filter `index` (an attachment whose specification ``AttachmentSpecification/isCaptureFilter``)
    /// on the packet arriving on device `device`, `skb` holding it as captured, and books the run
    /// as the first at the device's `ingress`. Returns nil when the filter accepted the packet
    /// (continue with ``receiveFiltered(_:on:)``), or the packet's fate when it refused it (a
    /// return value of 0, or a fault): dropped at `ingress`.
    public func filterArrival(_ skb: SkBuff, on device: Int, attachment index: Int, wireLength: Int) -> PacketFate? {
        totalCounters.pointee.received &+= 1
        beginPacket(recording: recordsTrails)
        skb.clearControlBlock()
        let ifindex = self.ifindex(ofDevice: device)
        skb.ifindex = ifindex
        skb.ingressIfindex = ifindex
        let attachment = attachments[index]
        let c = programCounters + index
        let value = run(index, attachment, .ingress, skb, wireLength: wireLength)
        if let value, UInt32(truncatingIfNeeded: value) != 0 {
            c.pointee.passed &+= 1
            return nil
        }
        c.pointee.dropped &+= 1  // as a hook books a refusal or a fault
        let counters = deviceCounters + device
        counters.pointee.rxPackets &+= 1
        counters.pointee.rxBytes &+= skb.length
        counters.pointee.rxDropped &+= 1
        enter(.ingress, skb).pointee.dropped &+= 1
        let fate = drop(skb, value == nil ? .programFault : .program, at: .ingress, atLinkHeader: devices[device].hasLinkHeader)
        finish(fate, skb, generated: false)
        return fate
    }

    /// `receive` for a packet ``filterArrival(_:on:attachment:wireLength:)`` accepted, `skb`
    /// prepared as `receive` takes it: the packet goes on through `ingress` and the rest, with
    /// the filter's run already in its trail.
    @discardableResult
    public func receiveFiltered(_ skb: SkBuff, on device: Int) -> PacketFate {
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
