import BPFABI
import BPFISA
import BPFObject
import BPFVerifier
import BPFVM
import ClassicBPF
import Datapath
import PacketIO

/// Loads what an ``AttachmentSpecification`` names into a ``ProgramAttachment``: the program
/// file read, the program chosen, verified for its type (tc, or socket filter at the socket
/// hook; classic programs and expressions are socket filters), its maps created and pre-filled,
/// and an interpreter running it as machine code.
enum AttachmentLoader {
    /// Every attachment of `configuration`, in its order. With several `workers` (threads that
    /// will run the programs at once, see ``ProgramAttachment/forWorker(_:)``) map sets get a
    /// per-CPU slot for each and are shared (``MapSet/share(amongWorkers:)``).
    static func loadAll(_ configuration: DatapathConfiguration, workers: Int = 1) throws(CommandFailure) -> [ProgramAttachment] {
        let attachments = try configuration.attachments.map { specification throws(CommandFailure) in
            try load(specification, devices: configuration.devices, workers: workers)
        }
        for attachment in attachments { attachment.interpreter.environment.maps.share(amongWorkers: workers) }
        return attachments
    }

    /// `devices` are the datapath's: an expression is compiled for the link type its hook sees.
    static func load(_ specification: AttachmentSpecification, devices: [DeviceConfiguration], workers: Int = 1)
        throws(CommandFailure) -> ProgramAttachment
    {
        if let expression = specification.filterExpression {
            return try loadExpression(expression, specification, devices: devices)
        }
        let file = try ProgramFile(path: specification.programPath)
        let entry = try file.select(section: specification.section)
        let base = ProgramFile.baseName(specification.programPath)
        let label = entry.section.isEmpty ? base : "\(base):\(entry.section)"
        let interpreter: Interpreter
        if file.format == .elf, let object = file.object {
            guard let loaded = object.programs.first(where: { $0.sectionName == entry.section && $0.name == entry.name }) else {
                throw .rejected("\(label): the object has no program '\(entry.name)'")
            }
            let type = loaded.programType ?? ProgramType.inferred(fromSection: loaded.sectionName)
            guard type.hasSkBuffContext else {
                throw .rejected("\(label): \(type) programs do not run on socket buffers (attach tc or socket_filter programs)")
            }
            let instance = try ObjectInstance(object: object, program: loaded, type: type,
                                              cpuCount: max(ObjectInstance.possibleCPUCount, workers), mode: .unchecked)
            for setting in specification.mapEntries {
                do {
                    try instance.maps.apply(setting: "\(setting.map):\(hex(setting.key)):\(hex(setting.value))")
                } catch {
                    throw .usage("\(label): map entry for '\(setting.map)': \(error)")
                }
            }
            interpreter = Interpreter(program: instance.executable, environment: instance.environment, engine: .native)
        } else if let classic = entry.classic {
            guard specification.mapEntries.isEmpty else { throw .usage("\(label): map entries given, but the program has no maps") }
            interpreter = try ClassicLoader.interpreter(for: classic, label: label)
        } else {
            let type: ProgramType = specification.hook == .socket ? .socketFilter : .schedCls
            guard specification.mapEntries.isEmpty else { throw .usage("\(label): map entries given, but the program has no maps") }
            let report: VerificationReport
            do {
                report = try Verifier.verify(entry.program, type: type)
            } catch {
                throw .rejected(VerifyCommand.explain(error, program: entry.program, loaded: nil, path: label, headline: true))
            }
            do {
                let executable = try ExecutableProgram(entry.program, mode: .unchecked, programType: type, verification: report)
                interpreter = Interpreter(program: executable, engine: .native)
            } catch {
                throw .rejected("\(label): \(error)")
            }
        }
        do {
            return try ProgramAttachment(name: label, specification: specification, interpreter: interpreter)
        } catch {
            throw .usage(error.message)
        }
    }

    /// An attachment of a tcpdump expression (`filter:` in a pipeline file), named `'EXPR'`.
    static func loadExpression(_ expression: String, _ specification: AttachmentSpecification, devices: [DeviceConfiguration])
        throws(CommandFailure) -> ProgramAttachment
    {
        let label = "'\(expression)'"
        let placement: (linkType: LinkType, origin: ClassicTranslator.Options.PacketOrigin)
        switch ClassicLoader.placement(hook: specification.hook, device: specification.device, devices: devices) {
        case .success(let found): placement = found
        case .failure(let error): throw .usage("filter \(label) at \(specification.hook): \(error.message)")
        }
        let translation = try ClassicLoader.compile(expression, linkType: placement.linkType, origin: placement.origin)
        let interpreter = try ClassicLoader.interpreter(for: translation, label: label)
        do {
            return try ProgramAttachment(name: label, specification: specification, interpreter: interpreter)
        } catch {
            throw .usage(error.message)
        }
    }
}
