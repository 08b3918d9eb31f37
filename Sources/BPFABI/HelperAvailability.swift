// Which helpers each program type may call: the kernel's `get_func_proto` callbacks
// (net/core/filter.c `tc_cls_act_func_proto()`, `sk_filter_func_proto()`, both falling back to
// `bpf_sk_base_func_proto()` and then `bpf_base_func_proto()` in kernel/bpf/helpers.c), for a
// privileged (root, CAP_BPF + CAP_PERFMON) loader, which gets every tier of the base table.
// The 6.18 kernel offers 139 ids to tc and 88 to socket filters; both lists were measured
// (sk_buff_ctx.md) and these sets reproduce them exactly.

extension HelperID {
    /// Whether a program of `programType` may call this helper: the kernel's program-type check
    /// in `check_helper_call()`. A refused call gets ``HelperCallError/unavailable(_:programType:)``.
    ///
    /// `true` means the kernel has a prototype for the pair; later checks may still refuse the call
    /// (GPL license, ``mightSleep``, argument types).
    public func isAvailable(to programType: ProgramType) -> Bool {
        switch programType {
        case .schedCls, .schedAct: tcHelpers.contains(rawValue)
        case .socketFilter: socketFilterHelpers.contains(rawValue)
        case .xdp: xdpHelpers.contains(rawValue)
        }
    }

    /// The helpers `programType` may call, in id order.
    public static func available(to programType: ProgramType) -> [HelperID] {
        all.filter { $0.isAvailable(to: programType) }
    }

    /// True when the helper's prototype is `gpl_only` (measured for every helper tc or
    /// socket filters can call; false for ids they cannot call).
    public var isGPLOnly: Bool { gplOnlyHelpers.contains(rawValue) }

    /// True for helpers that may sleep, which the kernel refuses in tc and socket-filter programs
    /// ("helper call might sleep in a non-sleepable prog") even though their type has a prototype.
    public var mightSleep: Bool { self == .copyFromUser || self == .copyFromUserTask }

    /// True for the helpers a loader gets only with CAP_PERFMON (the tracing-ish tier of
    /// `bpf_base_func_proto()` and the socket casts): an unprivileged loader's program may not call them.
    public var needsPerfmon: Bool { perfmonHelpers.contains(rawValue) }

    /// True when a call invalidates every packet pointer the program holds
    /// (`bpf_helper_changes_pkt_data()`, net/core/filter.c): the helper may move or resize the
    /// packet data. Of the helpers tc programs can call these are the 11 skb_store_bytes,
    /// l3/l4_csum_replace, clone_redirect, skb_vlan_push/pop, skb_change_proto/tail/head,
    /// skb_pull_data and skb_adjust_room; the rest belong to xdp, sk_msg, lwt and sock_ops.
    public var changesPacketData: Bool { packetChangingHelpers.contains(rawValue) }
}

private let packetChangingHelpers: Set<Int32> = ids(
    .skbStoreBytes, .l3CsumReplace, .l4CsumReplace, .cloneRedirect, .skbVlanPush, .skbVlanPop,
    .skbChangeProto, .skbChangeTail, .skbPullData, .skbChangeHead, .skbAdjustRoom,
    .xdpAdjustHead, .xdpAdjustMeta, .xdpAdjustTail, .msgPullData, .msgPushData, .msgPopData,
    .lwtPushEncap, .lwtSeg6StoreBytes, .lwtSeg6AdjustSrh, .lwtSeg6Action, .storeHdrOpt)

/// `bpf_base_func_proto()` for a privileged loader, 6.18.
private let baseHelpers: Set<Int32> = ids(
    // Any loader.
    .mapLookupElem, .mapUpdateElem, .mapDeleteElem, .mapPushElem, .mapPopElem, .mapPeekElem,
    .mapLookupPercpuElem, .getPrandomU32, .getSmpProcessorId, .getNumaNodeId, .tailCall,
    .ktimeGetNs, .ktimeGetBootNs, .ktimeGetTaiNs, .ringbufOutput, .ringbufReserve, .ringbufSubmit,
    .ringbufDiscard, .ringbufQuery, .strncmp, .strtol, .strtoul, .getCurrentPidTgid,
    .getNsCurrentPidTgid, .getCurrentUidGid, .getNetnsCookie,
    // CAP_BPF.
    .spinLock, .spinUnlock, .jiffies64, .perCpuPtr, .thisCpuPtr, .timerInit, .timerSetCallback,
    .timerStart, .timerCancel, .kptrXchg, .forEachMapElem, .loop, .userRingbufDrain,
    .ringbufReserveDynptr, .ringbufSubmitDynptr, .ringbufDiscardDynptr, .dynptrFromMem, .dynptrRead,
    .dynptrWrite, .dynptrData, .cgrpStorageGet, .cgrpStorageDelete, .getCurrentCgroupId,
    .getCurrentAncestorCgroupId, .currentTaskUnderCgroup, .getCgroupClassid,
    // CAP_PERFMON (6.15 moved the tracing-ish helpers here, which is why tc can call them).
    .tracePrintk, .getCurrentTask, .getCurrentTaskBtf, .getCurrentComm, .probeReadUser,
    .probeReadKernel, .probeReadUserStr, .probeReadKernelStr, .copyFromUser, .copyFromUserTask,
    .snprintfBtf, .snprintf, .taskPtRegs, .traceVprintk, .perfEventReadValue, .perfEventRead,
    .sendSignal, .sendSignalThread, .getTaskStack, .taskStorageGet, .taskStorageDelete,
    .getBranchSnapshot, .findVma)

/// `bpf_sk_base_func_proto()`: the socket casts (CAP_PERFMON) and the coarse clock, over the base.
private let socketBaseHelpers: Set<Int32> = baseHelpers.union(ids(
    .skcToTcp6Sock, .skcToTcpSock, .skcToTcpTimewaitSock, .skcToTcpRequestSock, .skcToUdp6Sock,
    .skcToUnixSock, .skcToMptcpSock, .ktimeGetCoarseNs))

/// `sk_filter_func_proto()`.
private let socketFilterHelpers: Set<Int32> = socketBaseHelpers.union(ids(
    .skbLoadBytes, .skbLoadBytesRelative, .getSocketCookie, .getSocketUid, .perfEventOutput))

/// `xdp_func_proto()`: 104 ids on 6.18 (measured: a call of each id 1...211 from an xdp program,
/// refused with "unknown func" or "program of this type cannot use helper" exactly for the others).
/// `bpf_sk_base_func_proto()` without `get_netns_cookie`, plus the XDP packet helpers.
private let xdpHelpers: Set<Int32> = socketBaseHelpers.subtracting(ids(.getNetnsCookie)).union(ids(
    .perfEventOutput, .getSmpProcessorId, .csumDiff, .xdpAdjustHead, .xdpAdjustMeta, .redirect,
    .redirectMap, .xdpAdjustTail, .fibLookup, .checkMtu, .xdpGetBuffLen, .xdpLoadBytes, .xdpStoreBytes,
    .skLookupUdp, .skLookupTcp, .skRelease, .skcLookupTcp, .tcpCheckSyncookie, .tcpGenSyncookie,
    .tcpRawGenSyncookieIpv4, .tcpRawGenSyncookieIpv6, .tcpRawCheckSyncookieIpv4,
    .tcpRawCheckSyncookieIpv6))

/// `tc_cls_act_func_proto()` (CONFIG_INET, CONFIG_XFRM, CONFIG_SYN_COOKIES, cgroup options on).
private let tcHelpers: Set<Int32> = socketBaseHelpers.union(ids(
    .skbStoreBytes, .skbLoadBytes, .skbLoadBytesRelative, .skbPullData, .csumDiff, .csumUpdate,
    .csumLevel, .l3CsumReplace, .l4CsumReplace, .cloneRedirect, .getCgroupClassid, .skbVlanPush,
    .skbVlanPop, .skbChangeProto, .skbChangeType, .skbAdjustRoom, .skbChangeTail, .skbChangeHead,
    .skbGetTunnelKey, .skbSetTunnelKey, .skbGetTunnelOpt, .skbSetTunnelOpt, .redirect, .redirectNeigh,
    .redirectPeer, .getRouteRealm, .getHashRecalc, .setHashInvalid, .setHash, .perfEventOutput,
    .getSmpProcessorId, .skbUnderCgroup, .getSocketCookie, .getSocketUid, .fibLookup, .checkMtu,
    .skFullsock, .skStorageGet, .skStorageDelete, .skbGetXfrmState, .skbCgroupClassid, .skbCgroupId,
    .skbAncestorCgroupId, .skLookupTcp, .skLookupUdp, .skRelease, .tcpSock, .getListenerSock,
    .skcLookupTcp, .tcpCheckSyncookie, .skbEcnSetCe, .tcpGenSyncookie, .skAssign, .skbSetTstamp,
    .tcpRawGenSyncookieIpv4, .tcpRawGenSyncookieIpv6, .tcpRawCheckSyncookieIpv4,
    .tcpRawCheckSyncookieIpv6))

/// Helpers whose prototype is `gpl_only`, among those tc or socket filters can call (measured:
/// loading a call with license "Proprietary" gives "cannot call GPL-restricted function ...").
private let gplOnlyHelpers: Set<Int32> = ids(
    .tracePrintk, .perfEventRead, .perfEventOutput, .getCurrentTask, .perfEventReadValue, .fibLookup,
    .tcpCheckSyncookie, .tcpGenSyncookie, .probeReadUser, .probeReadKernel, .probeReadUserStr,
    .probeReadKernelStr, .getCurrentTaskBtf, .checkMtu, .snprintf, .timerInit, .timerSetCallback,
    .timerStart, .timerCancel, .taskPtRegs, .getBranchSnapshot, .traceVprintk, .copyFromUserTask,
    .tcpRawGenSyncookieIpv4, .tcpRawGenSyncookieIpv6, .tcpRawCheckSyncookieIpv4,
    .tcpRawCheckSyncookieIpv6)

private func ids(_ helpers: HelperID...) -> Set<Int32> { Set(helpers.map(\.rawValue)) }

/// The CAP_PERFMON tier of `bpf_base_func_proto()` and `bpf_sk_base_func_proto()`.
private let perfmonHelpers: Set<Int32> = ids(
    .tracePrintk, .getCurrentTask, .getCurrentTaskBtf, .getCurrentComm, .probeReadUser,
    .probeReadKernel, .probeReadUserStr, .probeReadKernelStr, .copyFromUser, .copyFromUserTask,
    .snprintfBtf, .snprintf, .taskPtRegs, .traceVprintk, .perfEventReadValue, .perfEventRead,
    .sendSignal, .sendSignalThread, .getTaskStack, .taskStorageGet, .taskStorageDelete,
    .getBranchSnapshot, .findVma,
    .skcToTcp6Sock, .skcToTcpSock, .skcToTcpTimewaitSock, .skcToTcpRequestSock, .skcToUdp6Sock,
    .skcToUnixSock, .skcToMptcpSock)
