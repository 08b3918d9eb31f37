public import PacketBuffer

// What a live engine needs beyond replay: taps that see what passes a hook, and counters that
// carry over when a reloaded configuration replaces a datapath, so the statistics of a run have
// no gap at the switch.

extension Datapath {
    /// Calls `handler` with every packet that passes one of `hooks` (after the hook's programs,
    /// before the stack goes on); data is where the hook's programs saw it.
    public func tap(_ hooks: Set<HookPoint>, _ handler: @escaping (HookPoint, SkBuff) -> Void) {
        tapHandler = handler
        current.pointee.tapMask = hooks.reduce(0) { $0 | 1 << $1.rawValue }
    }

    @inline(never)
    func callTap(_ hook: HookPoint, _ skb: SkBuff) { tapHandler?(hook, skb) }

    /// Adds the counters of `old` (a datapath this one replaces) to this one's: totals, hooks,
    /// devices by name, sockets by name, programs by attachment name and hook.
    public func inheritStatistics(from old: Datapath) {
        totalCounters.pointee.add(old.totalCounters.pointee)
        for hook in HookPoint.allCases { hookCounters[hook.rawValue].add(old.hookCounters[hook.rawValue]) }
        for (index, device) in devices.enumerated() {
            if let previous = old.deviceIndex(named: device.name) { deviceCounters[index].add(old.deviceCounters[previous]) }
        }
        for (index, socket) in sockets.enumerated() {
            if let previous = old.sockets.firstIndex(where: { $0.name == socket.name }) {
                socketCounters[index].add(old.socketCounters[previous])
            }
        }
        for (index, attachment) in attachments.enumerated() {
            if let previous = old.attachments.firstIndex(where: { $0.name == attachment.name && $0.hook == attachment.hook }) {
                programCounters[index].add(old.programCounters[previous])
            }
        }
    }
}
