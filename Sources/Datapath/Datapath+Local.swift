import BPFVM
public import PacketBuffer

// Local delivery (input hook, socket lookup, the socket hook's `sk_filter`, the receive buffer)
// and the local output path (output hook, routing, then postrouting) that socket replies take.

extension Datapath {
    /// Overhead the kernel charges a queued packet beyond its bytes (`SKB_TRUESIZE`: the aligned
    /// `struct sk_buff` and `struct skb_shared_info`, 256 + 320 on x86-64).
    static let truesizeOverhead = 576

    /// A packet for a local address: the input hook, then its socket.
    func localInput(_ skb: SkBuff, isIPv6: Bool) -> PacketFate {
        let outcome = runHook(.input, hookPrograms[HookPoint.input.rawValue], skb)
        if let fate = conclude(outcome, skb, at: .input, atLinkHeader: false) { return fate }
        guard hasMinimalHeader(skb, isIPv6: isIPv6), let (number, offset) = IPHeader.transport(skb, isIPv6: isIPv6),
              let transport = TransportProtocol(rawValue: number)
        else {
            // ICMP and the rest: the host stack consumes them.
            sink.deliver(skb, socket: nil)
            return .delivered(socket: nil)
        }
        guard offset + 4 <= skb.length,
              let s = socketIndex(transport, destination: IPHeader.addresses(skb, isIPv6: isIPv6).destination,
                                  port: UInt16(bigEndian: skb.data.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)))
        else {
            return drop(skb, .noSocket, at: nil, atLinkHeader: false)
        }
        return socketDeliver(skb, s, transportOffset: offset, isIPv6: isIPv6)
    }

    /// The bound socket for a destination: one bound to the address first, else a wildcard one.
    func socketIndex(_ transport: TransportProtocol, destination: IPAddress, port: UInt16) -> Int? {
        var wildcard: Int?
        for (index, socket) in sockets.enumerated() where socket.transport == transport && socket.port == port {
            if socket.address == destination { return index }
            if socket.address == nil && wildcard == nil { wildcard = index }
        }
        return wildcard
    }

    /// `sk_filter_trim_cap` then the receive queue (`__udp_enqueue_schedule_skb`): the socket's
    /// filters see `data` at the transport header; a return of 0 drops, a shorter length trims
    /// (never below the transport header); the queue refuses a packet while it holds more than
    /// `rcvbuf` (so one packet always fits in an empty queue, as in the kernel).
    func socketDeliver(_ skb: SkBuff, _ s: Int, transportOffset: Int, isIPv6: Bool) -> PacketFate {
        let counters = socketCounters + s
        let hook = enter(.socket, skb)
        skb.pull(transportOffset)
        let headerLength = skb.length >= 13 && sockets[s].transport == .tcp
            ? max(20, Int(skb.data.load(fromByteOffset: 12, as: UInt8.self) >> 4) * 4) : 8
        for index in socketPrograms[s] {
            let c = programCounters + index
            guard let value = run(index, .socket, skb) else {
                skb.push(transportOffset)
                c.pointee.dropped &+= 1
                hook.pointee.dropped &+= 1
                counters.pointee.filtered &+= 1
                return drop(skb, .programFault, at: .socket, atLinkHeader: false)
            }
            let keep = Int(UInt32(truncatingIfNeeded: value))
            if keep == 0 {
                skb.push(transportOffset)
                c.pointee.dropped &+= 1
                hook.pointee.dropped &+= 1
                counters.pointee.filtered &+= 1
                return drop(skb, .socketFilter, at: .socket, atLinkHeader: false)
            }
            if keep < skb.length {
                skb.trim(to: min(skb.length, max(headerLength, keep)))
                c.pointee.trimmed &+= 1
            }
            c.pointee.passed &+= 1
        }
        hook.pointee.passed &+= 1
        skb.push(transportOffset)
        if current.pointee.tapMask & 1 << UInt32(HookPoint.socket.rawValue) != 0 { callTap(.socket, skb) }
        let socket = sockets[s]
        if counters.pointee.queuedBytes > socket.receiveBufferSize {
            counters.pointee.dropped &+= 1
            return drop(skb, .socketBufferFull, at: .socket, atLinkHeader: false)
        }
        counters.pointee.received &+= 1
        counters.pointee.receivedBytes &+= skb.length
        if socket.reader == .stalled { counters.pointee.queuedBytes &+= skb.length + Self.truesizeOverhead }
        sink.deliver(skb, socket: s)
        // Replies to replies would bounce between two local echo sockets forever.
        if socket.isEcho && socket.transport == .udp && !current.pointee.isProcessingGenerated { sendEcho(skb, s, transportOffset: transportOffset, isIPv6: isIPv6) }
        return .delivered(socket: s)
    }

    /// A socket's reader takes `byteCount` bytes of queued packets (their true size) off its
    /// queue: a stalled reader catching up.
    public func drainSocket(_ s: Int, byteCount: Int = .max) {
        let counters = socketCounters + s
        counters.pointee.queuedBytes = max(0, counters.pointee.queuedBytes - byteCount)
    }

    // MARK: Local output

    /// The echo service's answer: the datagram's payload back to where it came from, sent from
    /// the socket (its mark and priority) through the local output path.
    func sendEcho(_ request: SkBuff, _ s: Int, transportOffset: Int, isIPv6: Bool) {
        guard let reply = generatedPool.allocate() else {
            totalCounters.pointee.clonesRefused &+= 1
            return
        }
        defer { generatedPool.release(reply) }
        let p = UnsafeRawPointer(request.data)
        let payloadLength = request.length - transportOffset - 8
        guard payloadLength >= 0, reply.tailroom >= request.length + 64 else { return }
        let (source, destination) = IPHeader.addresses(request, isIPv6: isIPv6)
        let sourcePort = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: transportOffset, as: UInt16.self))
        let destinationPort = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: transportOffset + 2, as: UInt16.self))
        UDPDatagram.build(into: reply, source: destination, destination: source, sourcePort: destinationPort,
                          destinationPort: sourcePort,
                          payload: UnsafeRawBufferPointer(start: p + transportOffset + 8, count: payloadLength))
        reply.mark = sockets[s].mark
        reply.priority = sockets[s].priority
        socketCounters[s].sent &+= 1
        totalCounters.pointee.generated &+= 1
        let saved = (current.pointee.isRecording, current.pointee.redirectCount, current.pointee.isProcessingGenerated)
        (current.pointee.isRecording, current.pointee.redirectCount, current.pointee.isProcessingGenerated) = (false, 0, true)
        // The answer goes to the neighbour that asked, from the address it asked: the request's
        // Ethernet addresses swapped (as the neighbour entry and the device address would be).
        let arrival = (current.pointee.arrivalSource, current.pointee.arrivalDestination)
        (current.pointee.arrivalSource, current.pointee.arrivalDestination) = (arrival.1, arrival.0)
        let fate = localOutput(reply)
        finish(fate, reply, generated: true)
        (current.pointee.arrivalSource, current.pointee.arrivalDestination) = arrival
        (current.pointee.isRecording, current.pointee.redirectCount, current.pointee.isProcessingGenerated) = saved
    }

    /// A packet a local socket sends (`data` at its network header): the output hook, the
    /// routing decision with the packet's mark, then postrouting and the device — or back in
    /// through input when it is for a local address.
    public func localOutput(_ skb: SkBuff) -> PacketFate {
        guard let isIPv6 = networkVersion(skb), hasMinimalHeader(skb, isIPv6: isIPv6) else {
            return drop(skb, .badIPHeader, at: nil, atLinkHeader: false)
        }
        let outcome = runHook(.output, hookPrograms[HookPoint.output.rawValue], skb)
        if let fate = conclude(outcome, skb, at: .output, atLinkHeader: false) { return fate }
        guard hasMinimalHeader(skb, isIPv6: isIPv6) else { return drop(skb, .badIPHeader, at: nil, atLinkHeader: false) }
        let destination = IPHeader.addresses(skb, isIPv6: isIPv6).destination
        switch routes.lookup(destination, mark: skb.mark) {
        case .local: return localInput(skb, isIPv6: isIPv6)
        case .unicast(let out):
            guard skb.length <= deviceFacts[out].mtu || skb.gsoSize > 0 else {
                deviceCounters[out].txDropped &+= 1
                return drop(skb, .packetTooBig, at: nil, atLinkHeader: false)
            }
            return postrouting(skb, out)
        case .unreachable: return drop(skb, .noRoute, at: nil, atLinkHeader: false)
        }
    }
}
