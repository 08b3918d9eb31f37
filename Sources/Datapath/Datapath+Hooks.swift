import BPFABI
import BPFVM
import PacketBuffer
import Glibc

// Running the programs of a hook. tc return codes as the kernel's tcx/cls_bpf direct-action
// read them, with the one choice the pipeline makes: `TC_ACT_OK` lets the packet go on to the
// hook's next program as `TC_ACT_UNSPEC` does (netfilter's ACCEPT), so every program of a hook
// sees every packet nothing before it decided on.
//
//   -1 UNSPEC, 0 OK, 1 RECLASSIFY, 3 PIPE, 6 REPEAT, other  → next program / pass
//   2 SHOT → drop      4 STOLEN, 5 QUEUED, 8 TRAP → stolen      7 REDIRECT → bpf_redirect's target

/// What a hook decided for a packet.
enum HookOutcome {
    case pass
    case drop(DropReason)
    case stolen
    case redirect(RedirectRequest)
}

extension Datapath {
    /// Runs `programs` (attachment indices, in order) at `hook` on `skb`.
    @inline(__always)
    func runHook(_ hook: HookPoint, _ programs: UnsafeBufferPointer<Int>, _ skb: SkBuff) -> HookOutcome {
        let c = enter(hook, skb)
        for index in programs {
            let outcome = runTrafficProgram(index, hook, skb)
            switch outcome {
            case .pass: continue
            case .drop: c.pointee.dropped &+= 1
            case .stolen: c.pointee.stolen &+= 1
            case .redirect: c.pointee.redirected &+= 1
            }
            return outcome
        }
        c.pointee.passed &+= 1
        if current.pointee.tapMask & 1 << UInt32(hook.rawValue) != 0 { callTap(hook, skb) }
        return .pass
    }

    /// Books a packet reaching `hook` (its counters and the trail) and returns the hook's counters.
    @inline(__always)
    func enter(_ hook: HookPoint, _ skb: SkBuff) -> UnsafeMutablePointer<HookStatistics> {
        let c = hookCounters + hook.rawValue
        c.pointee.packets &+= 1
        c.pointee.bytes &+= skb.length
        if current.pointee.isRecording { trailStorage.pointee.append(hook) }
        return c
    }

    /// What a hook's outcome means for the packet's way: nil when it goes on; else how it ended
    /// there — a drop reported to the sink, a steal, or where the redirect took it.
    @inline(__always)
    func conclude(_ outcome: HookOutcome, _ skb: SkBuff, at hook: HookPoint, atLinkHeader: Bool) -> PacketFate? {
        switch outcome {
        case .pass: nil
        case .drop(let reason): drop(skb, reason, at: hook, atLinkHeader: atLinkHeader)
        case .stolen: .stolen(hook: hook)
        case .redirect(let request): redirect(skb, request, from: hook, atLinkHeader: atLinkHeader)
        }
    }

    /// One program at a tc or netfilter hook, its return value read as a verdict.
    @inline(__always)
    private func runTrafficProgram(_ index: Int, _ hook: HookPoint, _ skb: SkBuff) -> HookOutcome {
        let attachment = attachmentFacts + index
        let c = programCounters + index
        guard let value = run(index, hook, skb) else {
            c.pointee.dropped &+= 1
            return .drop(.programFault)
        }
        if attachment.pointee.isSocketFilter {
            // A filter outside a socket: 0 refuses the packet, any length accepts it.
            if UInt32(truncatingIfNeeded: value) == 0 {
                c.pointee.dropped &+= 1
                return .drop(.program)
            }
            c.pointee.passed &+= 1
            return .pass
        }
        switch Int32(truncatingIfNeeded: value) {
        case TCAction.shot.rawValue:
            c.pointee.dropped &+= 1
            return .drop(.program)
        case TCAction.stolen.rawValue, TCAction.queued.rawValue, TCAction.trap.rawValue:
            c.pointee.stolen &+= 1
            return .stolen
        case TCAction.redirect.rawValue:
            c.pointee.redirected &+= 1
            // skb_do_redirect without a target set by bpf_redirect drops the packet.
            guard let request = attachment.pointee.interpreter._withUnsafeGuaranteedRef({ $0.redirectRequest }) else { return .drop(.redirectFailed) }
            return .redirect(request)
        default:
            c.pointee.passed &+= 1
            return .pass
        }
    }

    /// Runs attachment `index` on `skb` and books it: run count, bytes, instructions, a timed
    /// sample, the trail entry and whether the packet was rewritten. Nil when the run faulted.
    @inline(__always)
    func run(_ index: Int, _ hook: HookPoint, _ skb: SkBuff) -> UInt64? {
        let attachment = attachmentFacts[index]
        let c = programCounters + index
        c.pointee.runs &+= 1
        c.pointee.bytes &+= skb.length
        let watchesBytes = current.pointee.isRecording && attachment.mayWritePacket && !trailStorage.pointee.isRewritten
        let lengthBefore = skb.length
        if watchesBytes { snapshot.copyMemory(from: skb.data, byteCount: min(lengthBefore, Self.snapshotCapacity)) }
        let isTimed = c.pointee.runs & (Self.timingInterval - 1) == 0
        let start = isTimed ? Self.now() : 0
        let result: RunResult
        do {
            result = try attachment.interpreter._withUnsafeGuaranteedRef { try $0.run(context: skb) }
        } catch {
            c.pointee.faults &+= 1
            return nil
        }
        if isTimed {
            c.pointee.timedRuns &+= 1
            c.pointee.timedNanoseconds &+= max(0, Int(truncatingIfNeeded: Self.now() &- start) - Self.clockCost)
        }
        c.pointee.instructions &+= result.instructionsExecuted
        if current.pointee.isRecording {
            if watchesBytes && (skb.length != lengthBefore
                || memcmp(snapshot, skb.data, min(lengthBefore, Self.snapshotCapacity)) != 0) {
                trailStorage.pointee.isRewritten = true
            }
            trailStorage.pointee.append(PacketTrail.ProgramRun(attachment: index, hook: hook, returnValue: result.returnValue))
        }
        return result.returnValue
    }
}
