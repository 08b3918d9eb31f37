import BPFABI
import BPFISA

// Ancillary loads (`ld #proto`, …), as `convert_bpf_extensions()` maps them: fields of the
// socket buffer become `__sk_buff` context loads (which skbpf's verifier checks and its
// interpreter resolves), the kernel's helper calls become calls — `bpf_get_smp_processor_id`
// and `bpf_get_prandom_u32` for the CPU and random numbers, skbpf's ids of the kernel-internal
// functions for the payload offset, netlink attributes and the device type. A call takes the
// context in r1, A in r2 and X in r3, as the kernel's do.

extension ClassicTranslator {
    mutating func emitAncillaryLoad(_ field: AncillaryField) {
        switch field {
        case .protocol:
            emit(contextLoad(.protocol))
            emit(EBPF.fromBigEndian16(EBPF.a))  // skb->protocol is big-endian
        case .packetType: emit(contextLoad(.pktType))
        case .mark: emit(contextLoad(.mark))
        case .queue: emit(contextLoad(.queueMapping))
        case .receiveHash: emit(contextLoad(.hash))
        case .vlanTag: emit(contextLoad(.vlanTCI))
        case .vlanTagPresent: emit(contextLoad(.vlanPresent))
        case .vlanProtocol:
            emit(contextLoad(.vlanProto))
            emit(EBPF.fromBigEndian16(EBPF.a))
        case .xorX: emit(EBPF.alu32(.xor, EBPF.a, EBPF.x))
        case .ifindex:
            emitExitWithoutDevice()
            emit(EBPF.move64(EBPF.a, EBPF.scratch))
        case .hardwareType:
            emitExitWithoutDevice()
            emitCall(.classicDeviceType)
        case .cpu: emitCall(.getSmpProcessorId)
        case .random: emitCall(.getPrandomU32)
        case .payloadOffset: emitCall(.classicPayloadOffset)
        case .netlinkAttribute: emitCall(.classicNetlinkAttribute)
        case .nestedNetlinkAttribute: emitCall(.classicNestedNetlinkAttribute)
        }
    }

    /// `A = ctx->field` (32 bits).
    private func contextLoad(_ field: SkBuffContext.Field, into register: UInt8 = EBPF.a) -> Instruction {
        EBPF.loadWord(register, EBPF.context, offset: Int16(field.offset))
    }

    /// The kernel's `if (skb->dev == NULL) return A`: no device is ifindex 0 here. Leaves the
    /// ifindex in r2.
    private mutating func emitExitWithoutDevice() {
        emit(contextLoad(.ifindex, into: EBPF.scratch))
        emit(EBPF.jump(.jne, EBPF.scratch, imm: 0).with(offset: 1))
        emit(EBPF.exit)
    }

    /// `A = function(ctx, A, X)`.
    private mutating func emitCall(_ id: HelperID) {
        emit(EBPF.move64(1, EBPF.context))
        emit(EBPF.move64(2, EBPF.a))
        emit(EBPF.move64(3, EBPF.x))
        emit(EBPF.call(id.rawValue))
        if id.isClassicExtension { callsClassicExtensions = true }
    }
}
