import BPFABI
import BPFVerifier
import BPFVM
import ClassicBPF
import Datapath
import PacketIO

/// Turns classic programs and tcpdump expressions into runnable socket filters: the translation
/// verified as a `socket_filter` (with the classic extension calls allowed) and run as machine
/// code, as every other attached program is.
enum ClassicLoader {
    /// Instructions a looping filter may run per packet before it is stopped (a fault, so the
    /// packet is refused): the kernel verifier's own limit. libpcap's `protochain` loop takes a
    /// few dozen per extension header, so no real packet comes near it.
    static let loopInstructionBudget = 1_000_000

    /// A verified interpreter for `translation` (a looping one runs checked, with
    /// ``loopInstructionBudget``); `label` names it in errors.
    static func interpreter(for translation: ClassicTranslation, label: String) throws(CommandFailure) -> Interpreter {
        if translation.hasLoop {
            // No verifier bounds a loop whose exit depends on packet bytes (the kernel refuses
            // such classic programs; libpcap runs them): every access is checked instead.
            do {
                let executable = try ExecutableProgram(translation.program, mode: .checked, programType: .socketFilter,
                                                       allowsClassicExtensions: translation.callsClassicExtensions)
                return Interpreter(program: executable, instructionBudget: loopInstructionBudget)
            } catch {
                throw .rejected("\(label): \(error)")
            }
        }
        let options = VerifierOptions(allowsClassicExtensions: translation.callsClassicExtensions)
        let report: VerificationReport
        do {
            report = try Verifier.verify(translation.program, type: .socketFilter, options: options)
        } catch {
            // A checked classic program always translates to a verifiable one; say so if not.
            throw .rejected(VerifyCommand.explain(error, program: translation.program, loaded: nil,
                                                  path: "\(label) (its eBPF translation)", headline: true))
        }
        do {
            let executable = try ExecutableProgram(translation.program, mode: .unchecked, programType: .socketFilter,
                                                   verification: report,
                                                   allowsClassicExtensions: translation.callsClassicExtensions)
            return Interpreter(program: executable, engine: .native)
        } catch {
            throw .rejected("\(label): \(error)")
        }
    }

    /// Compiles `expression` with libpcap for `linkType` and translates it with libpcap's
    /// run-time rules (the answer `tcpdump` gives), offsets from `origin`.
    static func compile(_ expression: String, linkType: LinkType, snapshotLength: Int = FilterExpression.defaultSnapshotLength,
                        origin: ClassicTranslator.Options.PacketOrigin = .data) throws(CommandFailure) -> ClassicTranslation {
        do {
            return try translate(FilterExpression(expression, linkType: linkType, snapshotLength: snapshotLength), origin: origin)
        } catch let error as FilterExpressionError {
            throw .rejected("\(error)")
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw .rejected("\(error)")
        }
    }

    /// Translates a compiled expression with libpcap's run-time rules, offsets from `origin`.
    static func translate(_ compiled: FilterExpression, origin: ClassicTranslator.Options.PacketOrigin = .data)
        throws(CommandFailure) -> ClassicTranslation
    {
        do {
            return try ClassicTranslator.translate(compiled.program, options: .init(packetOrigin: origin, semantics: .libpcap))
        } catch {
            throw .rejected("'\(compiled.text)': libpcap's program does not translate: \(error)")
        }
    }

    /// How an expression attached at `hook` is compiled: for the link-layer header a device hook
    /// of Ethernet devices sees (EN10MB, offsets from `data`), else for raw IP (RAW, offsets from
    /// the network header, wherever `data` is: the netfilter hooks, the socket hook, L3 devices).
    /// `device` is the attachment's device (device hooks; nil: every device).
    /// - Returns: the reason when the devices differ in link header (one program cannot serve both).
    static func placement(hook: HookPoint, device: String?, devices: [DeviceConfiguration])
        -> Result<(LinkType, ClassicTranslator.Options.PacketOrigin), PlacementError>
    {
        guard hook.isDeviceHook else { return .success((.raw, .networkHeader)) }
        let targets = devices.filter { device == nil || $0.name == device }
        let withHeader = targets.filter(\.hasLinkHeader).map(\.name)
        let without = targets.filter { !$0.hasLinkHeader }.map(\.name)
        if without.isEmpty { return .success((.ethernet, .data)) }
        if withHeader.isEmpty { return .success((.raw, .networkHeader)) }
        return .failure(PlacementError(ethernet: withHeader, layer3: without))
    }

    /// Devices of one attachment that differ in link header.
    struct PlacementError: Error {
        var ethernet: [String]
        var layer3: [String]

        var message: String {
            "one expression cannot serve Ethernet devices (\(ethernet.joined(separator: ", "))) and devices "
                + "without a link header (\(layer3.joined(separator: ", "))): name one with 'device:'"
        }
    }
}
