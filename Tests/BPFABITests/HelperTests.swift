import BPFABI
import Testing

@Suite struct HelperIDTests {
    @Test func namesFollowTheKernelMapper() {
        #expect(HelperID.maxID == 212)
        #expect(HelperID.all.count == 212)
        #expect(HelperID.mapLookupElem.rawValue == 1)
        #expect(HelperID.skbAdjustRoom.rawValue == 50)
        #expect(HelperID.fibLookup.rawValue == 69)
        #expect(HelperID.ringbufDiscard.rawValue == 133)
        #expect(HelperID.userRingbufDrain.rawValue == 209)
        #expect(HelperID.cgrpStorageDelete.rawValue == 211)
        #expect(HelperID.skbLoadBytes.name == "skb_load_bytes")
        #expect(HelperID.skbLoadBytes.kernelName == "bpf_skb_load_bytes")
        #expect(HelperID.skbLoadBytes.description == "bpf_skb_load_bytes#26")
        #expect(HelperID(name: "bpf_redirect") == .redirect)
        #expect(HelperID(name: "csum_diff") == .csumDiff)
        #expect(HelperID(name: "no_such_helper") == nil)
        for id in HelperID.all { #expect(HelperID(name: id.kernelName) == id) }
    }

    @Test func unknownIDs() {
        #expect(!HelperID(212).isKnown)
        #expect(!HelperID(-1).isKnown)
        #expect(HelperID(212).name == nil)
        #expect(HelperID(212).description == "unknown#212")
        #expect(HelperID(0).isKnown)
        #expect(HelperID(0).description == "bpf_unspec#0")
    }
}

@Suite struct HelperAvailabilityTests {
    /// The 6.18 kernel offers 139 helper ids to tc and 88 to socket filters (sk_buff_ctx.md).
    @Test func countsMatchTheKernel() {
        #expect(HelperID.available(to: .schedCls).count == 139)
        #expect(HelperID.available(to: .schedAct).count == 139)
        #expect(HelperID.available(to: .socketFilter).count == 88)
    }

    /// 6.18, measured with kernel_oracle.py: a call of each id 1...211 from an xdp program.
    @Test func xdpHelpersMatchTheKernel() {
        #expect(HelperID.available(to: .xdp).count == 104)
        let xdpOnly: [HelperID] = [.xdpAdjustHead, .xdpAdjustMeta, .xdpAdjustTail, .xdpGetBuffLen, .xdpLoadBytes,
                                   .xdpStoreBytes, .redirectMap]
        for id in xdpOnly {
            #expect(id.isAvailable(to: .xdp), "\(id)")
            #expect(!id.isAvailable(to: .schedCls), "\(id)")
        }
        for id: HelperID in [.skbLoadBytes, .skbLoadBytesRelative, .getSocketCookie, .getSocketUid, .getNetnsCookie,
                             .skbStoreBytes, .tracePrintk] {
            #expect(id.isAvailable(to: .xdp) == (id == .tracePrintk), "\(id)")
        }
        #expect(HelperCallError.check(.skbLoadBytes, programType: .xdp, isGPLCompatible: true)?.description
            == "program of this type cannot use helper bpf_skb_load_bytes#26")
    }

    @Test func socketFilterHelpersAreASubsetOfTc() {
        for id in HelperID.available(to: .socketFilter) { #expect(id.isAvailable(to: .schedCls), "\(id)") }
    }

    /// The "tc / sock filter" columns of the core-set table in sk_buff_ctx.md.
    @Test(arguments: [
        (HelperID.mapLookupElem, true, true), (.mapUpdateElem, true, true), (.mapDeleteElem, true, true),
        (.ktimeGetNs, true, true), (.tracePrintk, true, true), (.getPrandomU32, true, true),
        (.getSmpProcessorId, true, true), (.skbStoreBytes, true, false), (.l3CsumReplace, true, false),
        (.l4CsumReplace, true, false), (.tailCall, true, true), (.cloneRedirect, true, false),
        (.redirect, true, false), (.perfEventOutput, true, true), (.skbLoadBytes, true, true),
        (.csumDiff, true, false), (.skbChangeProto, true, false), (.skbChangeType, true, false),
        (.getHashRecalc, true, false), (.skbChangeTail, true, false), (.skbPullData, true, false),
        (.skbChangeHead, true, false), (.setHash, true, false), (.skbAdjustRoom, true, false),
        (.skbVlanPush, true, false), (.skbVlanPop, true, false), (.fibLookup, true, false),
        (.ringbufOutput, true, true), (.ringbufReserve, true, true), (.ringbufSubmit, true, true),
        (.ringbufDiscard, true, true),
        // Outside the core set: tracing-only and xdp-only helpers, and the unspec id.
        (.xdpAdjustHead, false, false), (.getStackid, false, false), (.unspec, false, false),
        (.skbLoadBytesRelative, true, true), (.getSocketCookie, true, true), (.skcToTcpSock, true, true),
    ])
    func availability(_ id: HelperID, tc: Bool, socketFilter: Bool) {
        #expect(id.isAvailable(to: .schedCls) == tc)
        #expect(id.isAvailable(to: .schedAct) == tc)
        #expect(id.isAvailable(to: .socketFilter) == socketFilter)
    }

    @Test func refusalsUseTheKernelWording() {
        #expect(HelperCallError.check(.skbStoreBytes, programType: .socketFilter, isGPLCompatible: true)?.description
            == "program of this type cannot use helper bpf_skb_store_bytes#9")
        #expect(HelperCallError.check(HelperID(212), programType: .schedCls, isGPLCompatible: true)?.description
            == "invalid func unknown#212")
        #expect(HelperCallError.check(HelperID(-1), programType: .schedCls, isGPLCompatible: true)?.description
            == "invalid func unknown#-1")
        #expect(HelperCallError.check(.tracePrintk, programType: .schedCls, isGPLCompatible: false)?.description
            == "cannot call GPL-restricted function from non-GPL compatible program")
        #expect(HelperCallError.check(.tracePrintk, programType: .schedCls, isGPLCompatible: true) == nil)
        #expect(HelperCallError.check(.copyFromUser, programType: .schedCls, isGPLCompatible: true)?.description
            == "helper call might sleep in a non-sleepable prog")
        #expect(HelperCallError.check(.redirect, programType: .schedCls, isGPLCompatible: false) == nil)
    }

    @Test func mapCompatibility() {
        #expect(HelperCallError.checkMap(.hash, passedTo: .mapLookupElem) == nil)
        #expect(HelperCallError.checkMap(.percpuArray, passedTo: .mapLookupElem) == nil)
        #expect(HelperCallError.checkMap(.progArray, passedTo: .tailCall) == nil)
        #expect(HelperCallError.checkMap(.ringbuf, passedTo: .ringbufReserve) == nil)
        #expect(HelperCallError.checkMap(.perfEventArray, passedTo: .perfEventOutput) == nil)
        // Messages measured on 6.18.
        #expect(HelperCallError.checkMap(.progArray, passedTo: .mapLookupElem)?.description
            == "cannot pass map_type 3 into func bpf_map_lookup_elem#1")
        #expect(HelperCallError.checkMap(.hash, passedTo: .ringbufOutput)?.description
            == "cannot pass map_type 1 into func bpf_ringbuf_output#130")
        #expect(HelperCallError.checkMap(.array, passedTo: .perfEventOutput)?.description
            == "cannot pass map_type 2 into func bpf_perf_event_output#25")
        #expect(HelperCallError.checkMap(.progArray, passedTo: .ringbufOutput)?.description
            == "cannot pass map_type 3 into func bpf_ringbuf_output#130")
        #expect(HelperCallError.checkMap(.hash, passedTo: .tailCall)?.description
            == "expected prog array map for tail call")
        #expect(HelperCallError.checkMap(.ringbuf, passedTo: .tailCall) == .tailCallNeedsProgramArray(.ringbuf))
    }

    @Test func gplOnlyHelpers() {
        let gpl = HelperID.available(to: .schedCls).filter(\.isGPLOnly)
        #expect(gpl.count == 27)
        #expect(HelperID.available(to: .socketFilter).filter(\.isGPLOnly).count == 19)
        for id in [HelperID.tracePrintk, .perfEventOutput, .fibLookup] { #expect(id.isGPLOnly) }
        for id in [HelperID.mapLookupElem, .skbStoreBytes, .redirect, .ringbufOutput] { #expect(!id.isGPLOnly) }
    }

    /// "Helpers that invalidate packet pointers (11 of the core set)" (sk_buff_ctx.md).
    @Test func packetChangingHelpers() {
        let changing: Set<HelperID> = [
            .skbStoreBytes, .l3CsumReplace, .l4CsumReplace, .cloneRedirect, .skbChangeProto, .skbChangeTail,
            .skbPullData, .skbChangeHead, .skbAdjustRoom, .skbVlanPush, .skbVlanPop,
        ]
        let tcChanging = Set(HelperID.available(to: .schedCls).filter(\.changesPacketData))
        #expect(tcChanging == changing)
        for id in [HelperID.skbChangeType, .setHash, .getHashRecalc, .redirect, .skbLoadBytes, .csumDiff, .fibLookup,
                   .tailCall] {
            #expect(!id.changesPacketData, "\(id)")
        }
        #expect(HelperID.xdpAdjustHead.changesPacketData)
        #expect(HelperID.socketFilterCanChangePacket == false)
    }
}

extension HelperID {
    fileprivate static var socketFilterCanChangePacket: Bool {
        available(to: .socketFilter).contains(where: \.changesPacketData)
    }
}

@Suite struct HelperPrototypeTests {
    typealias A = HelperArgumentType
    static let ro = A.memory(readOnly: true, maybeNull: false)
    static let roNull = A.memory(readOnly: true, maybeNull: true)

    /// The "verifier args", "returns" and "GPL only" columns of sk_buff_ctx.md's core-set table.
    @Test(arguments: [
        (HelperID.mapLookupElem, [A.constMapPointer, .mapKey], HelperReturnType.mapValueOrNull, false),
        (.mapUpdateElem, [.constMapPointer, .mapKey, .mapValue, .anything], .integer, false),
        (.mapDeleteElem, [.constMapPointer, .mapKey], .integer, false),
        (.ktimeGetNs, [], .integer, false),
        (.tracePrintk, [ro, .constSize], .integer, true),
        (.getPrandomU32, [], .integer, false),
        (.getSmpProcessorId, [], .integer, false),
        (.skbStoreBytes, [.context, .anything, ro, .constSize, .anything], .integer, false),
        (.l3CsumReplace, [.context, .anything, .anything, .anything, .anything], .integer, false),
        (.l4CsumReplace, [.context, .anything, .anything, .anything, .anything], .integer, false),
        (.tailCall, [.context, .constMapPointer, .anything], .void, false),
        (.cloneRedirect, [.context, .anything, .anything], .integer, false),
        (.redirect, [.anything, .anything], .integer, false),
        (.skbLoadBytes, [.context, .anything, .uninitializedMemory, .constSize], .integer, false),
        (.csumDiff, [roNull, .constSizeOrZero, roNull, .constSizeOrZero, .anything], .integer, false),
        (.skbChangeProto, [.context, .anything, .anything], .integer, false),
        (.skbChangeType, [.context, .anything], .integer, false),
        (.skbChangeTail, [.context, .anything, .anything], .integer, false),
        (.skbPullData, [.context, .anything], .integer, false),
        (.skbChangeHead, [.context, .anything, .anything], .integer, false),
        (.skbAdjustRoom, [.context, .anything, .anything, .anything], .integer, false),
        (.getHashRecalc, [.context], .integer, false),
        (.setHash, [.context, .anything], .integer, false),
        (.perfEventOutput, [.context, .constMapPointer, .anything, ro, .constSizeOrZero], .integer, true),
        (.ringbufOutput, [.constMapPointer, ro, .constSizeOrZero, .anything], .integer, false),
        (.ringbufReserve, [.constMapPointer, .constAllocSizeOrZero, .anything], .ringbufMemoryOrNull, false),
        (.ringbufSubmit, [.ringbufMemory(release: true), .anything], .void, false),
        (.ringbufDiscard, [.ringbufMemory(release: true), .anything], .void, false),
        (.fibLookup, [.context, .memory(readOnly: false, maybeNull: false), .constSize, .anything], .integer, true),
        (.skbVlanPush, [.context, .anything, .anything], .integer, false),
        (.skbVlanPop, [.context], .integer, false),
    ])
    func coreSet(_ id: HelperID, arguments: [HelperArgumentType], returns: HelperReturnType, gplOnly: Bool) throws {
        let proto = try #require(id.prototype)
        #expect(proto.id == id)
        #expect(proto.arguments == arguments)
        #expect(proto.returnType == returns)
        #expect(proto.isGPLOnly == gplOnly)
        // The prototype and the measured GPL list agree.
        #expect(proto.isGPLOnly == id.isGPLOnly)
        #expect(proto.changesPacketData == id.changesPacketData)
        #expect(proto.signature.contains("bpf_" + (id.name ?? "?") + "("))
        #expect(id.isAvailable(to: .schedCls))
    }

    @Test func references() throws {
        #expect(try #require(HelperID.ringbufReserve.prototype).acquiresReference)
        #expect(try #require(HelperID.ringbufSubmit.prototype).releasesReference)
        #expect(try #require(HelperID.ringbufDiscard.prototype).releasesReference)
        #expect(try !#require(HelperID.ringbufOutput.prototype).releasesReference)
        #expect(try !#require(HelperID.mapLookupElem.prototype).acquiresReference)
    }

    /// Measured: only these accept a packet pointer as a memory argument in tc.
    @Test func packetAccess() throws {
        for id in HelperID.prototyped {
            let proto = try #require(id.prototype)
            let expected = [HelperID.mapLookupElem, .mapUpdateElem, .mapDeleteElem, .csumDiff].contains(id)
            #expect(proto.allowsPacketAccess == expected, "\(id)")
        }
    }

    @Test func requiredMapTypes() throws {
        #expect(HelperID.tailCall.prototype?.requiredMapType == .progArray)
        #expect(HelperID.perfEventOutput.prototype?.requiredMapType == .perfEventArray)
        #expect(HelperID.ringbufReserve.prototype?.requiredMapType == .ringbuf)
        #expect(HelperID.mapLookupElem.prototype?.requiredMapType == nil)
    }

    @Test func everyPrototypedHelperIsCallableFromTc() throws {
        #expect(HelperID.prototyped.count >= 31)
        for id in HelperID.prototyped {
            #expect(id.isAvailable(to: .schedCls), "\(id)")
            let proto = try #require(id.prototype)
            #expect(proto.arguments.count <= 5)
            // A size argument always follows a memory argument.
            for (i, arg) in proto.arguments.enumerated() where arg == .constSize || arg == .constSizeOrZero {
                #expect(i > 0 && proto.arguments[i - 1].isMemory, "\(id) argument \(i + 1)")
            }
        }
    }

    @Test func kernelSpellings() {
        #expect(A.memory(readOnly: true, maybeNull: true).description == "ARG_PTR_TO_MEM | MEM_RDONLY | PTR_MAYBE_NULL")
        #expect(A.ringbufMemory(release: true).description == "ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE")
        #expect(HelperReturnType.mapValueOrNull.description == "RET_PTR_TO_MAP_VALUE_OR_NULL")
    }
}
