// The helper ids of `enum bpf_func_id` (include/uapi/linux/bpf.h, `__BPF_FUNC_MAPPER`), 0...211,
// as the running 6.18 kernel's BTF (/sys/kernel/btf/vmlinux) lists them. Ids are frozen: new kernel
// features are kfuncs, so this table only ever grows at its end.

extension HelperID {
    /// `BPF_FUNC_unspec` (0): not a helper; every program type refuses it.
    public static let unspec = HelperID(rawValue: 0)
    /// `bpf_map_lookup_elem` (1).
    public static let mapLookupElem = HelperID(rawValue: 1)
    /// `bpf_map_update_elem` (2).
    public static let mapUpdateElem = HelperID(rawValue: 2)
    /// `bpf_map_delete_elem` (3).
    public static let mapDeleteElem = HelperID(rawValue: 3)
    /// `bpf_probe_read` (4).
    public static let probeRead = HelperID(rawValue: 4)
    /// `bpf_ktime_get_ns` (5).
    public static let ktimeGetNs = HelperID(rawValue: 5)
    /// `bpf_trace_printk` (6).
    public static let tracePrintk = HelperID(rawValue: 6)
    /// `bpf_get_prandom_u32` (7).
    public static let getPrandomU32 = HelperID(rawValue: 7)
    /// `bpf_get_smp_processor_id` (8).
    public static let getSmpProcessorId = HelperID(rawValue: 8)
    /// `bpf_skb_store_bytes` (9).
    public static let skbStoreBytes = HelperID(rawValue: 9)
    /// `bpf_l3_csum_replace` (10).
    public static let l3CsumReplace = HelperID(rawValue: 10)
    /// `bpf_l4_csum_replace` (11).
    public static let l4CsumReplace = HelperID(rawValue: 11)
    /// `bpf_tail_call` (12).
    public static let tailCall = HelperID(rawValue: 12)
    /// `bpf_clone_redirect` (13).
    public static let cloneRedirect = HelperID(rawValue: 13)
    /// `bpf_get_current_pid_tgid` (14).
    public static let getCurrentPidTgid = HelperID(rawValue: 14)
    /// `bpf_get_current_uid_gid` (15).
    public static let getCurrentUidGid = HelperID(rawValue: 15)
    /// `bpf_get_current_comm` (16).
    public static let getCurrentComm = HelperID(rawValue: 16)
    /// `bpf_get_cgroup_classid` (17).
    public static let getCgroupClassid = HelperID(rawValue: 17)
    /// `bpf_skb_vlan_push` (18).
    public static let skbVlanPush = HelperID(rawValue: 18)
    /// `bpf_skb_vlan_pop` (19).
    public static let skbVlanPop = HelperID(rawValue: 19)
    /// `bpf_skb_get_tunnel_key` (20).
    public static let skbGetTunnelKey = HelperID(rawValue: 20)
    /// `bpf_skb_set_tunnel_key` (21).
    public static let skbSetTunnelKey = HelperID(rawValue: 21)
    /// `bpf_perf_event_read` (22).
    public static let perfEventRead = HelperID(rawValue: 22)
    /// `bpf_redirect` (23).
    public static let redirect = HelperID(rawValue: 23)
    /// `bpf_get_route_realm` (24).
    public static let getRouteRealm = HelperID(rawValue: 24)
    /// `bpf_perf_event_output` (25).
    public static let perfEventOutput = HelperID(rawValue: 25)
    /// `bpf_skb_load_bytes` (26).
    public static let skbLoadBytes = HelperID(rawValue: 26)
    /// `bpf_get_stackid` (27).
    public static let getStackid = HelperID(rawValue: 27)
    /// `bpf_csum_diff` (28).
    public static let csumDiff = HelperID(rawValue: 28)
    /// `bpf_skb_get_tunnel_opt` (29).
    public static let skbGetTunnelOpt = HelperID(rawValue: 29)
    /// `bpf_skb_set_tunnel_opt` (30).
    public static let skbSetTunnelOpt = HelperID(rawValue: 30)
    /// `bpf_skb_change_proto` (31).
    public static let skbChangeProto = HelperID(rawValue: 31)
    /// `bpf_skb_change_type` (32).
    public static let skbChangeType = HelperID(rawValue: 32)
    /// `bpf_skb_under_cgroup` (33).
    public static let skbUnderCgroup = HelperID(rawValue: 33)
    /// `bpf_get_hash_recalc` (34).
    public static let getHashRecalc = HelperID(rawValue: 34)
    /// `bpf_get_current_task` (35).
    public static let getCurrentTask = HelperID(rawValue: 35)
    /// `bpf_probe_write_user` (36).
    public static let probeWriteUser = HelperID(rawValue: 36)
    /// `bpf_current_task_under_cgroup` (37).
    public static let currentTaskUnderCgroup = HelperID(rawValue: 37)
    /// `bpf_skb_change_tail` (38).
    public static let skbChangeTail = HelperID(rawValue: 38)
    /// `bpf_skb_pull_data` (39).
    public static let skbPullData = HelperID(rawValue: 39)
    /// `bpf_csum_update` (40).
    public static let csumUpdate = HelperID(rawValue: 40)
    /// `bpf_set_hash_invalid` (41).
    public static let setHashInvalid = HelperID(rawValue: 41)
    /// `bpf_get_numa_node_id` (42).
    public static let getNumaNodeId = HelperID(rawValue: 42)
    /// `bpf_skb_change_head` (43).
    public static let skbChangeHead = HelperID(rawValue: 43)
    /// `bpf_xdp_adjust_head` (44).
    public static let xdpAdjustHead = HelperID(rawValue: 44)
    /// `bpf_probe_read_str` (45).
    public static let probeReadStr = HelperID(rawValue: 45)
    /// `bpf_get_socket_cookie` (46).
    public static let getSocketCookie = HelperID(rawValue: 46)
    /// `bpf_get_socket_uid` (47).
    public static let getSocketUid = HelperID(rawValue: 47)
    /// `bpf_set_hash` (48).
    public static let setHash = HelperID(rawValue: 48)
    /// `bpf_setsockopt` (49).
    public static let setsockopt = HelperID(rawValue: 49)
    /// `bpf_skb_adjust_room` (50).
    public static let skbAdjustRoom = HelperID(rawValue: 50)
    /// `bpf_redirect_map` (51).
    public static let redirectMap = HelperID(rawValue: 51)
    /// `bpf_sk_redirect_map` (52).
    public static let skRedirectMap = HelperID(rawValue: 52)
    /// `bpf_sock_map_update` (53).
    public static let sockMapUpdate = HelperID(rawValue: 53)
    /// `bpf_xdp_adjust_meta` (54).
    public static let xdpAdjustMeta = HelperID(rawValue: 54)
    /// `bpf_perf_event_read_value` (55).
    public static let perfEventReadValue = HelperID(rawValue: 55)
    /// `bpf_perf_prog_read_value` (56).
    public static let perfProgReadValue = HelperID(rawValue: 56)
    /// `bpf_getsockopt` (57).
    public static let getsockopt = HelperID(rawValue: 57)
    /// `bpf_override_return` (58).
    public static let overrideReturn = HelperID(rawValue: 58)
    /// `bpf_sock_ops_cb_flags_set` (59).
    public static let sockOpsCbFlagsSet = HelperID(rawValue: 59)
    /// `bpf_msg_redirect_map` (60).
    public static let msgRedirectMap = HelperID(rawValue: 60)
    /// `bpf_msg_apply_bytes` (61).
    public static let msgApplyBytes = HelperID(rawValue: 61)
    /// `bpf_msg_cork_bytes` (62).
    public static let msgCorkBytes = HelperID(rawValue: 62)
    /// `bpf_msg_pull_data` (63).
    public static let msgPullData = HelperID(rawValue: 63)
    /// `bpf_bind` (64).
    public static let bind = HelperID(rawValue: 64)
    /// `bpf_xdp_adjust_tail` (65).
    public static let xdpAdjustTail = HelperID(rawValue: 65)
    /// `bpf_skb_get_xfrm_state` (66).
    public static let skbGetXfrmState = HelperID(rawValue: 66)
    /// `bpf_get_stack` (67).
    public static let getStack = HelperID(rawValue: 67)
    /// `bpf_skb_load_bytes_relative` (68).
    public static let skbLoadBytesRelative = HelperID(rawValue: 68)
    /// `bpf_fib_lookup` (69).
    public static let fibLookup = HelperID(rawValue: 69)
    /// `bpf_sock_hash_update` (70).
    public static let sockHashUpdate = HelperID(rawValue: 70)
    /// `bpf_msg_redirect_hash` (71).
    public static let msgRedirectHash = HelperID(rawValue: 71)
    /// `bpf_sk_redirect_hash` (72).
    public static let skRedirectHash = HelperID(rawValue: 72)
    /// `bpf_lwt_push_encap` (73).
    public static let lwtPushEncap = HelperID(rawValue: 73)
    /// `bpf_lwt_seg6_store_bytes` (74).
    public static let lwtSeg6StoreBytes = HelperID(rawValue: 74)
    /// `bpf_lwt_seg6_adjust_srh` (75).
    public static let lwtSeg6AdjustSrh = HelperID(rawValue: 75)
    /// `bpf_lwt_seg6_action` (76).
    public static let lwtSeg6Action = HelperID(rawValue: 76)
    /// `bpf_rc_repeat` (77).
    public static let rcRepeat = HelperID(rawValue: 77)
    /// `bpf_rc_keydown` (78).
    public static let rcKeydown = HelperID(rawValue: 78)
    /// `bpf_skb_cgroup_id` (79).
    public static let skbCgroupId = HelperID(rawValue: 79)
    /// `bpf_get_current_cgroup_id` (80).
    public static let getCurrentCgroupId = HelperID(rawValue: 80)
    /// `bpf_get_local_storage` (81).
    public static let getLocalStorage = HelperID(rawValue: 81)
    /// `bpf_sk_select_reuseport` (82).
    public static let skSelectReuseport = HelperID(rawValue: 82)
    /// `bpf_skb_ancestor_cgroup_id` (83).
    public static let skbAncestorCgroupId = HelperID(rawValue: 83)
    /// `bpf_sk_lookup_tcp` (84).
    public static let skLookupTcp = HelperID(rawValue: 84)
    /// `bpf_sk_lookup_udp` (85).
    public static let skLookupUdp = HelperID(rawValue: 85)
    /// `bpf_sk_release` (86).
    public static let skRelease = HelperID(rawValue: 86)
    /// `bpf_map_push_elem` (87).
    public static let mapPushElem = HelperID(rawValue: 87)
    /// `bpf_map_pop_elem` (88).
    public static let mapPopElem = HelperID(rawValue: 88)
    /// `bpf_map_peek_elem` (89).
    public static let mapPeekElem = HelperID(rawValue: 89)
    /// `bpf_msg_push_data` (90).
    public static let msgPushData = HelperID(rawValue: 90)
    /// `bpf_msg_pop_data` (91).
    public static let msgPopData = HelperID(rawValue: 91)
    /// `bpf_rc_pointer_rel` (92).
    public static let rcPointerRel = HelperID(rawValue: 92)
    /// `bpf_spin_lock` (93).
    public static let spinLock = HelperID(rawValue: 93)
    /// `bpf_spin_unlock` (94).
    public static let spinUnlock = HelperID(rawValue: 94)
    /// `bpf_sk_fullsock` (95).
    public static let skFullsock = HelperID(rawValue: 95)
    /// `bpf_tcp_sock` (96).
    public static let tcpSock = HelperID(rawValue: 96)
    /// `bpf_skb_ecn_set_ce` (97).
    public static let skbEcnSetCe = HelperID(rawValue: 97)
    /// `bpf_get_listener_sock` (98).
    public static let getListenerSock = HelperID(rawValue: 98)
    /// `bpf_skc_lookup_tcp` (99).
    public static let skcLookupTcp = HelperID(rawValue: 99)
    /// `bpf_tcp_check_syncookie` (100).
    public static let tcpCheckSyncookie = HelperID(rawValue: 100)
    /// `bpf_sysctl_get_name` (101).
    public static let sysctlGetName = HelperID(rawValue: 101)
    /// `bpf_sysctl_get_current_value` (102).
    public static let sysctlGetCurrentValue = HelperID(rawValue: 102)
    /// `bpf_sysctl_get_new_value` (103).
    public static let sysctlGetNewValue = HelperID(rawValue: 103)
    /// `bpf_sysctl_set_new_value` (104).
    public static let sysctlSetNewValue = HelperID(rawValue: 104)
    /// `bpf_strtol` (105).
    public static let strtol = HelperID(rawValue: 105)
    /// `bpf_strtoul` (106).
    public static let strtoul = HelperID(rawValue: 106)
    /// `bpf_sk_storage_get` (107).
    public static let skStorageGet = HelperID(rawValue: 107)
    /// `bpf_sk_storage_delete` (108).
    public static let skStorageDelete = HelperID(rawValue: 108)
    /// `bpf_send_signal` (109).
    public static let sendSignal = HelperID(rawValue: 109)
    /// `bpf_tcp_gen_syncookie` (110).
    public static let tcpGenSyncookie = HelperID(rawValue: 110)
    /// `bpf_skb_output` (111).
    public static let skbOutput = HelperID(rawValue: 111)
    /// `bpf_probe_read_user` (112).
    public static let probeReadUser = HelperID(rawValue: 112)
    /// `bpf_probe_read_kernel` (113).
    public static let probeReadKernel = HelperID(rawValue: 113)
    /// `bpf_probe_read_user_str` (114).
    public static let probeReadUserStr = HelperID(rawValue: 114)
    /// `bpf_probe_read_kernel_str` (115).
    public static let probeReadKernelStr = HelperID(rawValue: 115)
    /// `bpf_tcp_send_ack` (116).
    public static let tcpSendAck = HelperID(rawValue: 116)
    /// `bpf_send_signal_thread` (117).
    public static let sendSignalThread = HelperID(rawValue: 117)
    /// `bpf_jiffies64` (118).
    public static let jiffies64 = HelperID(rawValue: 118)
    /// `bpf_read_branch_records` (119).
    public static let readBranchRecords = HelperID(rawValue: 119)
    /// `bpf_get_ns_current_pid_tgid` (120).
    public static let getNsCurrentPidTgid = HelperID(rawValue: 120)
    /// `bpf_xdp_output` (121).
    public static let xdpOutput = HelperID(rawValue: 121)
    /// `bpf_get_netns_cookie` (122).
    public static let getNetnsCookie = HelperID(rawValue: 122)
    /// `bpf_get_current_ancestor_cgroup_id` (123).
    public static let getCurrentAncestorCgroupId = HelperID(rawValue: 123)
    /// `bpf_sk_assign` (124).
    public static let skAssign = HelperID(rawValue: 124)
    /// `bpf_ktime_get_boot_ns` (125).
    public static let ktimeGetBootNs = HelperID(rawValue: 125)
    /// `bpf_seq_printf` (126).
    public static let seqPrintf = HelperID(rawValue: 126)
    /// `bpf_seq_write` (127).
    public static let seqWrite = HelperID(rawValue: 127)
    /// `bpf_sk_cgroup_id` (128).
    public static let skCgroupId = HelperID(rawValue: 128)
    /// `bpf_sk_ancestor_cgroup_id` (129).
    public static let skAncestorCgroupId = HelperID(rawValue: 129)
    /// `bpf_ringbuf_output` (130).
    public static let ringbufOutput = HelperID(rawValue: 130)
    /// `bpf_ringbuf_reserve` (131).
    public static let ringbufReserve = HelperID(rawValue: 131)
    /// `bpf_ringbuf_submit` (132).
    public static let ringbufSubmit = HelperID(rawValue: 132)
    /// `bpf_ringbuf_discard` (133).
    public static let ringbufDiscard = HelperID(rawValue: 133)
    /// `bpf_ringbuf_query` (134).
    public static let ringbufQuery = HelperID(rawValue: 134)
    /// `bpf_csum_level` (135).
    public static let csumLevel = HelperID(rawValue: 135)
    /// `bpf_skc_to_tcp6_sock` (136).
    public static let skcToTcp6Sock = HelperID(rawValue: 136)
    /// `bpf_skc_to_tcp_sock` (137).
    public static let skcToTcpSock = HelperID(rawValue: 137)
    /// `bpf_skc_to_tcp_timewait_sock` (138).
    public static let skcToTcpTimewaitSock = HelperID(rawValue: 138)
    /// `bpf_skc_to_tcp_request_sock` (139).
    public static let skcToTcpRequestSock = HelperID(rawValue: 139)
    /// `bpf_skc_to_udp6_sock` (140).
    public static let skcToUdp6Sock = HelperID(rawValue: 140)
    /// `bpf_get_task_stack` (141).
    public static let getTaskStack = HelperID(rawValue: 141)
    /// `bpf_load_hdr_opt` (142).
    public static let loadHdrOpt = HelperID(rawValue: 142)
    /// `bpf_store_hdr_opt` (143).
    public static let storeHdrOpt = HelperID(rawValue: 143)
    /// `bpf_reserve_hdr_opt` (144).
    public static let reserveHdrOpt = HelperID(rawValue: 144)
    /// `bpf_inode_storage_get` (145).
    public static let inodeStorageGet = HelperID(rawValue: 145)
    /// `bpf_inode_storage_delete` (146).
    public static let inodeStorageDelete = HelperID(rawValue: 146)
    /// `bpf_d_path` (147).
    public static let dPath = HelperID(rawValue: 147)
    /// `bpf_copy_from_user` (148).
    public static let copyFromUser = HelperID(rawValue: 148)
    /// `bpf_snprintf_btf` (149).
    public static let snprintfBtf = HelperID(rawValue: 149)
    /// `bpf_seq_printf_btf` (150).
    public static let seqPrintfBtf = HelperID(rawValue: 150)
    /// `bpf_skb_cgroup_classid` (151).
    public static let skbCgroupClassid = HelperID(rawValue: 151)
    /// `bpf_redirect_neigh` (152).
    public static let redirectNeigh = HelperID(rawValue: 152)
    /// `bpf_per_cpu_ptr` (153).
    public static let perCpuPtr = HelperID(rawValue: 153)
    /// `bpf_this_cpu_ptr` (154).
    public static let thisCpuPtr = HelperID(rawValue: 154)
    /// `bpf_redirect_peer` (155).
    public static let redirectPeer = HelperID(rawValue: 155)
    /// `bpf_task_storage_get` (156).
    public static let taskStorageGet = HelperID(rawValue: 156)
    /// `bpf_task_storage_delete` (157).
    public static let taskStorageDelete = HelperID(rawValue: 157)
    /// `bpf_get_current_task_btf` (158).
    public static let getCurrentTaskBtf = HelperID(rawValue: 158)
    /// `bpf_bprm_opts_set` (159).
    public static let bprmOptsSet = HelperID(rawValue: 159)
    /// `bpf_ktime_get_coarse_ns` (160).
    public static let ktimeGetCoarseNs = HelperID(rawValue: 160)
    /// `bpf_ima_inode_hash` (161).
    public static let imaInodeHash = HelperID(rawValue: 161)
    /// `bpf_sock_from_file` (162).
    public static let sockFromFile = HelperID(rawValue: 162)
    /// `bpf_check_mtu` (163).
    public static let checkMtu = HelperID(rawValue: 163)
    /// `bpf_for_each_map_elem` (164).
    public static let forEachMapElem = HelperID(rawValue: 164)
    /// `bpf_snprintf` (165).
    public static let snprintf = HelperID(rawValue: 165)
    /// `bpf_sys_bpf` (166).
    public static let sysBpf = HelperID(rawValue: 166)
    /// `bpf_btf_find_by_name_kind` (167).
    public static let btfFindByNameKind = HelperID(rawValue: 167)
    /// `bpf_sys_close` (168).
    public static let sysClose = HelperID(rawValue: 168)
    /// `bpf_timer_init` (169).
    public static let timerInit = HelperID(rawValue: 169)
    /// `bpf_timer_set_callback` (170).
    public static let timerSetCallback = HelperID(rawValue: 170)
    /// `bpf_timer_start` (171).
    public static let timerStart = HelperID(rawValue: 171)
    /// `bpf_timer_cancel` (172).
    public static let timerCancel = HelperID(rawValue: 172)
    /// `bpf_get_func_ip` (173).
    public static let getFuncIp = HelperID(rawValue: 173)
    /// `bpf_get_attach_cookie` (174).
    public static let getAttachCookie = HelperID(rawValue: 174)
    /// `bpf_task_pt_regs` (175).
    public static let taskPtRegs = HelperID(rawValue: 175)
    /// `bpf_get_branch_snapshot` (176).
    public static let getBranchSnapshot = HelperID(rawValue: 176)
    /// `bpf_trace_vprintk` (177).
    public static let traceVprintk = HelperID(rawValue: 177)
    /// `bpf_skc_to_unix_sock` (178).
    public static let skcToUnixSock = HelperID(rawValue: 178)
    /// `bpf_kallsyms_lookup_name` (179).
    public static let kallsymsLookupName = HelperID(rawValue: 179)
    /// `bpf_find_vma` (180).
    public static let findVma = HelperID(rawValue: 180)
    /// `bpf_loop` (181).
    public static let loop = HelperID(rawValue: 181)
    /// `bpf_strncmp` (182).
    public static let strncmp = HelperID(rawValue: 182)
    /// `bpf_get_func_arg` (183).
    public static let getFuncArg = HelperID(rawValue: 183)
    /// `bpf_get_func_ret` (184).
    public static let getFuncRet = HelperID(rawValue: 184)
    /// `bpf_get_func_arg_cnt` (185).
    public static let getFuncArgCnt = HelperID(rawValue: 185)
    /// `bpf_get_retval` (186).
    public static let getRetval = HelperID(rawValue: 186)
    /// `bpf_set_retval` (187).
    public static let setRetval = HelperID(rawValue: 187)
    /// `bpf_xdp_get_buff_len` (188).
    public static let xdpGetBuffLen = HelperID(rawValue: 188)
    /// `bpf_xdp_load_bytes` (189).
    public static let xdpLoadBytes = HelperID(rawValue: 189)
    /// `bpf_xdp_store_bytes` (190).
    public static let xdpStoreBytes = HelperID(rawValue: 190)
    /// `bpf_copy_from_user_task` (191).
    public static let copyFromUserTask = HelperID(rawValue: 191)
    /// `bpf_skb_set_tstamp` (192).
    public static let skbSetTstamp = HelperID(rawValue: 192)
    /// `bpf_ima_file_hash` (193).
    public static let imaFileHash = HelperID(rawValue: 193)
    /// `bpf_kptr_xchg` (194).
    public static let kptrXchg = HelperID(rawValue: 194)
    /// `bpf_map_lookup_percpu_elem` (195).
    public static let mapLookupPercpuElem = HelperID(rawValue: 195)
    /// `bpf_skc_to_mptcp_sock` (196).
    public static let skcToMptcpSock = HelperID(rawValue: 196)
    /// `bpf_dynptr_from_mem` (197).
    public static let dynptrFromMem = HelperID(rawValue: 197)
    /// `bpf_ringbuf_reserve_dynptr` (198).
    public static let ringbufReserveDynptr = HelperID(rawValue: 198)
    /// `bpf_ringbuf_submit_dynptr` (199).
    public static let ringbufSubmitDynptr = HelperID(rawValue: 199)
    /// `bpf_ringbuf_discard_dynptr` (200).
    public static let ringbufDiscardDynptr = HelperID(rawValue: 200)
    /// `bpf_dynptr_read` (201).
    public static let dynptrRead = HelperID(rawValue: 201)
    /// `bpf_dynptr_write` (202).
    public static let dynptrWrite = HelperID(rawValue: 202)
    /// `bpf_dynptr_data` (203).
    public static let dynptrData = HelperID(rawValue: 203)
    /// `bpf_tcp_raw_gen_syncookie_ipv4` (204).
    public static let tcpRawGenSyncookieIpv4 = HelperID(rawValue: 204)
    /// `bpf_tcp_raw_gen_syncookie_ipv6` (205).
    public static let tcpRawGenSyncookieIpv6 = HelperID(rawValue: 205)
    /// `bpf_tcp_raw_check_syncookie_ipv4` (206).
    public static let tcpRawCheckSyncookieIpv4 = HelperID(rawValue: 206)
    /// `bpf_tcp_raw_check_syncookie_ipv6` (207).
    public static let tcpRawCheckSyncookieIpv6 = HelperID(rawValue: 207)
    /// `bpf_ktime_get_tai_ns` (208).
    public static let ktimeGetTaiNs = HelperID(rawValue: 208)
    /// `bpf_user_ringbuf_drain` (209).
    public static let userRingbufDrain = HelperID(rawValue: 209)
    /// `bpf_cgrp_storage_get` (210).
    public static let cgrpStorageGet = HelperID(rawValue: 210)
    /// `bpf_cgrp_storage_delete` (211).
    public static let cgrpStorageDelete = HelperID(rawValue: 211)

    /// Kernel names without the `bpf_` prefix, indexed by id.
    static let names: [StaticString] = [
        "unspec",
        "map_lookup_elem",
        "map_update_elem",
        "map_delete_elem",
        "probe_read",
        "ktime_get_ns",
        "trace_printk",
        "get_prandom_u32",
        "get_smp_processor_id",
        "skb_store_bytes",
        "l3_csum_replace",
        "l4_csum_replace",
        "tail_call",
        "clone_redirect",
        "get_current_pid_tgid",
        "get_current_uid_gid",
        "get_current_comm",
        "get_cgroup_classid",
        "skb_vlan_push",
        "skb_vlan_pop",
        "skb_get_tunnel_key",
        "skb_set_tunnel_key",
        "perf_event_read",
        "redirect",
        "get_route_realm",
        "perf_event_output",
        "skb_load_bytes",
        "get_stackid",
        "csum_diff",
        "skb_get_tunnel_opt",
        "skb_set_tunnel_opt",
        "skb_change_proto",
        "skb_change_type",
        "skb_under_cgroup",
        "get_hash_recalc",
        "get_current_task",
        "probe_write_user",
        "current_task_under_cgroup",
        "skb_change_tail",
        "skb_pull_data",
        "csum_update",
        "set_hash_invalid",
        "get_numa_node_id",
        "skb_change_head",
        "xdp_adjust_head",
        "probe_read_str",
        "get_socket_cookie",
        "get_socket_uid",
        "set_hash",
        "setsockopt",
        "skb_adjust_room",
        "redirect_map",
        "sk_redirect_map",
        "sock_map_update",
        "xdp_adjust_meta",
        "perf_event_read_value",
        "perf_prog_read_value",
        "getsockopt",
        "override_return",
        "sock_ops_cb_flags_set",
        "msg_redirect_map",
        "msg_apply_bytes",
        "msg_cork_bytes",
        "msg_pull_data",
        "bind",
        "xdp_adjust_tail",
        "skb_get_xfrm_state",
        "get_stack",
        "skb_load_bytes_relative",
        "fib_lookup",
        "sock_hash_update",
        "msg_redirect_hash",
        "sk_redirect_hash",
        "lwt_push_encap",
        "lwt_seg6_store_bytes",
        "lwt_seg6_adjust_srh",
        "lwt_seg6_action",
        "rc_repeat",
        "rc_keydown",
        "skb_cgroup_id",
        "get_current_cgroup_id",
        "get_local_storage",
        "sk_select_reuseport",
        "skb_ancestor_cgroup_id",
        "sk_lookup_tcp",
        "sk_lookup_udp",
        "sk_release",
        "map_push_elem",
        "map_pop_elem",
        "map_peek_elem",
        "msg_push_data",
        "msg_pop_data",
        "rc_pointer_rel",
        "spin_lock",
        "spin_unlock",
        "sk_fullsock",
        "tcp_sock",
        "skb_ecn_set_ce",
        "get_listener_sock",
        "skc_lookup_tcp",
        "tcp_check_syncookie",
        "sysctl_get_name",
        "sysctl_get_current_value",
        "sysctl_get_new_value",
        "sysctl_set_new_value",
        "strtol",
        "strtoul",
        "sk_storage_get",
        "sk_storage_delete",
        "send_signal",
        "tcp_gen_syncookie",
        "skb_output",
        "probe_read_user",
        "probe_read_kernel",
        "probe_read_user_str",
        "probe_read_kernel_str",
        "tcp_send_ack",
        "send_signal_thread",
        "jiffies64",
        "read_branch_records",
        "get_ns_current_pid_tgid",
        "xdp_output",
        "get_netns_cookie",
        "get_current_ancestor_cgroup_id",
        "sk_assign",
        "ktime_get_boot_ns",
        "seq_printf",
        "seq_write",
        "sk_cgroup_id",
        "sk_ancestor_cgroup_id",
        "ringbuf_output",
        "ringbuf_reserve",
        "ringbuf_submit",
        "ringbuf_discard",
        "ringbuf_query",
        "csum_level",
        "skc_to_tcp6_sock",
        "skc_to_tcp_sock",
        "skc_to_tcp_timewait_sock",
        "skc_to_tcp_request_sock",
        "skc_to_udp6_sock",
        "get_task_stack",
        "load_hdr_opt",
        "store_hdr_opt",
        "reserve_hdr_opt",
        "inode_storage_get",
        "inode_storage_delete",
        "d_path",
        "copy_from_user",
        "snprintf_btf",
        "seq_printf_btf",
        "skb_cgroup_classid",
        "redirect_neigh",
        "per_cpu_ptr",
        "this_cpu_ptr",
        "redirect_peer",
        "task_storage_get",
        "task_storage_delete",
        "get_current_task_btf",
        "bprm_opts_set",
        "ktime_get_coarse_ns",
        "ima_inode_hash",
        "sock_from_file",
        "check_mtu",
        "for_each_map_elem",
        "snprintf",
        "sys_bpf",
        "btf_find_by_name_kind",
        "sys_close",
        "timer_init",
        "timer_set_callback",
        "timer_start",
        "timer_cancel",
        "get_func_ip",
        "get_attach_cookie",
        "task_pt_regs",
        "get_branch_snapshot",
        "trace_vprintk",
        "skc_to_unix_sock",
        "kallsyms_lookup_name",
        "find_vma",
        "loop",
        "strncmp",
        "get_func_arg",
        "get_func_ret",
        "get_func_arg_cnt",
        "get_retval",
        "set_retval",
        "xdp_get_buff_len",
        "xdp_load_bytes",
        "xdp_store_bytes",
        "copy_from_user_task",
        "skb_set_tstamp",
        "ima_file_hash",
        "kptr_xchg",
        "map_lookup_percpu_elem",
        "skc_to_mptcp_sock",
        "dynptr_from_mem",
        "ringbuf_reserve_dynptr",
        "ringbuf_submit_dynptr",
        "ringbuf_discard_dynptr",
        "dynptr_read",
        "dynptr_write",
        "dynptr_data",
        "tcp_raw_gen_syncookie_ipv4",
        "tcp_raw_gen_syncookie_ipv6",
        "tcp_raw_check_syncookie_ipv4",
        "tcp_raw_check_syncookie_ipv6",
        "ktime_get_tai_ns",
        "user_ringbuf_drain",
        "cgrp_storage_get",
        "cgrp_storage_delete",
    ]
}
