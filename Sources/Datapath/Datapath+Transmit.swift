import BPFABI
import BPFVM
import PacketBuffer

// The output side: postrouting, the neighbour layer's Ethernet header, a device's egress hook
// and the hand-over to the sink; redirects and clone redirects between devices.

extension Datapath {
    /// Locally generated packets without arrival addresses get these (locally administered).
    static let defaultSourceMAC: UInt64 = 0x02_00_00_00_00_01
    static let defaultDestinationMAC: UInt64 = 0x02_00_00_00_00_02

    /// Postrouting on the way out of `out`, then its egress.
    func postrouting(_ skb: SkBuff, _ out: Int) -> PacketFate {
        skb.ifindex = ifindex(ofDevice: out)
        let outcome = runHook(.postrouting, hookPrograms[HookPoint.postrouting.rawValue], skb)
        if let fate = conclude(outcome, skb, at: .postrouting, atLinkHeader: false) { return fate }
        return egress(skb, out, atLinkHeader: false)
    }

    /// A packet leaving through device `out`: the link header made or taken off to fit the
    /// device, the egress hook, then the sink. A VLAN tag still in the buffer's fields goes back
    /// into the frame, as a device without tag offload transmits it.
    func egress(_ skb: SkBuff, _ out: Int, atLinkHeader: Bool) -> PacketFate {
        let device = deviceFacts[out]
        fitLinkHeader(skb, to: device, atLinkHeader: atLinkHeader)
        skb.ifindex = ifindex(ofDevice: out)
        let outcome = runHook(.egress, egressPrograms[out], skb)
        if case .drop = outcome { deviceCounters[out].txDropped &+= 1 }
        if let fate = conclude(outcome, skb, at: .egress, atLinkHeader: device.hasLinkHeader) { return fate }
        if device.hasLinkHeader && skb.vlanPresent && skb.length >= 12 {
            SkBuffHelpers.insertTag(skb, protocolBigEndian: skb.metadata.pointee.vlanProtoBigEndian, tci: skb.vlanTCI)
            skb.metadata.pointee.vlanProtoBigEndian = 0
            skb.metadata.pointee.vlanTCI = 0
        }
        let counters = deviceCounters + out
        counters.pointee.txPackets &+= 1
        counters.pointee.txBytes &+= skb.length
        sink.transmit(skb, device: out)
        return .transmitted(device: out)
    }

    /// Gives `skb` the head `device` takes: an Ethernet header pushed for a device with one when
    /// `data` is at the network header; the link header pulled off for an L3 device
    /// (`__bpf_redirect_no_mac`: it gets the packet from its network header).
    func fitLinkHeader(_ skb: SkBuff, to device: DeviceFacts, atLinkHeader: Bool) {
        if device.hasLinkHeader && !atLinkHeader {
            pushEthernetHeader(skb, device)
        } else if !device.hasLinkHeader && atLinkHeader {
            let offset = skb.networkHeaderOffsetFromData ?? 0
            if offset > 0 && offset <= skb.length { skb.pull(offset) }
            skb.unsetMacHeader()
        }
    }

    /// The neighbour layer's header (`eth_header`): the device's addresses when configured,
    /// else those the packet arrived with, else locally administered defaults.
    func pushEthernetHeader(_ skb: SkBuff, _ device: DeviceFacts) {
        if skb.headroom < Self.ethernetHeaderLength {
            skb.expandHead(headroom: Self.ethernetHeaderLength + 64, tailroom: skb.tailroom)
        }
        let p = skb.push(Self.ethernetHeaderLength)
        let destination = device.neighbourMACAddress ?? (current.pointee.hasArrivalAddresses ? current.pointee.arrivalDestination : Self.defaultDestinationMAC)
        let source = device.macAddress ?? (current.pointee.hasArrivalAddresses ? current.pointee.arrivalSource : Self.defaultSourceMAC)
        Self.storeMAC(destination, p)
        Self.storeMAC(source, p + 6)
        p.storeBytes(of: skb.protocolBigEndian, toByteOffset: 12, as: UInt16.self)
        skb.resetMacHeader()
        skb.setNetworkHeader(offsetFromData: Self.ethernetHeaderLength)
        skb.resetMacLength()
    }

    /// `skb_do_redirect`: to the target device's ingress (BPF_F_INGRESS) or egress.
    func redirect(_ skb: SkBuff, _ request: RedirectRequest, from hook: HookPoint, atLinkHeader: Bool) -> PacketFate {
        totalCounters.pointee.redirects &+= 1
        current.pointee.redirectCount += 1
        guard current.pointee.redirectCount <= Self.redirectLimit else { return drop(skb, .redirectLoop, at: hook, atLinkHeader: atLinkHeader) }
        guard let target = deviceIndex(ifindex: request.ifindex) else {
            return drop(skb, .redirectFailed, at: hook, atLinkHeader: atLinkHeader)
        }
        guard request.isIngress else { return egress(skb, target, atLinkHeader: atLinkHeader) }
        fitLinkHeader(skb, to: deviceFacts[target], atLinkHeader: atLinkHeader)
        return ingress(skb, target)
    }

    // MARK: Clones

    /// Called by `bpf_clone_redirect` during a run: keeps a copy to send after the packet.
    func queueClone(_ clone: SkBuff, ifindex: UInt32, flags: UInt64) {
        guard let target = deviceIndex(ifindex: ifindex), pendingClones.count < generatedPool.bufferCount,
              let copy = generatedPool.copy(of: clone)
        else {
            totalCounters.pointee.clonesRefused &+= 1
            return
        }
        pendingClones.append((copy, target, flags & RedirectFlags.ingress != 0))
    }

    /// Sends the clones made while the last packet was processed (and the clones they make).
    func sendPendingClones() {
        var next = 0
        let wasRecording = current.pointee.isRecording
        current.pointee.isProcessingGenerated = true
        defer { current.pointee.isProcessingGenerated = false }
        while next < pendingClones.count {
            let (clone, target, isIngress) = pendingClones[next]
            next += 1
            totalCounters.pointee.generated &+= 1
            beginPacket(recording: false)
            // The helper left data at the link header when the clone carries one.
            let atLinkHeader = clone.macHeaderWasSet && clone.macHeaderOffsetFromData == 0
                && (clone.networkHeaderOffsetFromData ?? 0) > 0
            let fate = redirect(clone, RedirectRequest(ifindex: ifindex(ofDevice: target), flags: isIngress ? RedirectFlags.ingress : 0),
                                from: .egress, atLinkHeader: atLinkHeader)
            finish(fate, clone, generated: true)
        }
        for pending in pendingClones { generatedPool.release(pending.skb) }
        pendingClones.removeAll(keepingCapacity: true)
        current.pointee.isRecording = wasRecording
    }
}
