public import BPFABI
public import BPFVM

/// A loaded program at a hook: what the pipeline asked for and the interpreter that runs it.
/// tc programs (`sched_cls`, `sched_act`) go at every hook but `socket`; socket filters at
/// `socket`, and at the other hooks as plain filters (0 drops, anything else passes).
public final class ProgramAttachment {
    /// How the summary names it: `classifier.o:tc` or the section/function chosen.
    public let name: String
    public let specification: AttachmentSpecification
    public let interpreter: Interpreter
    public let programType: ProgramType

    public var hook: HookPoint { specification.hook }
    var isSocketFilter: Bool { programType == .socketFilter }
    /// Whether runs may change the packet (see ``ExecutableProgram/mayWritePacket``).
    let mayWritePacket: Bool

    /// - Throws: ``ConfigurationError`` when the program's type does not fit the hook.
    public init(name: String, specification: AttachmentSpecification, interpreter: Interpreter) throws(ConfigurationError) {
        guard let type = interpreter.program.programType else {
            throw ConfigurationError("\(name): a program without a context type can not be attached")
        }
        switch (specification.hook, type) {
        case (.socket, .socketFilter): break
        case (.socket, _):
            throw ConfigurationError("\(name): the socket hook runs socket_filter programs, not \(type)")
        case (_, .schedCls), (_, .schedAct), (_, .socketFilter): break
        default:
            throw ConfigurationError("\(name): \(specification.hook) runs tc programs (sched_cls), not \(type)")
        }
        self.name = name
        self.specification = specification
        self.interpreter = interpreter
        self.programType = type
        self.mayWritePacket = interpreter.program.mayWritePacket
    }

    private init(copying other: ProgramAttachment, interpreter: Interpreter) {
        name = other.name
        specification = other.specification
        self.interpreter = interpreter
        programType = other.programType
        mayWritePacket = other.mayWritePacket
    }

    /// The same attachment for datapath worker `index`: the same program and maps, an
    /// interpreter of its own (``Interpreter/forWorker(_:)``) whose CPU is `index`.
    /// - Precondition: the program's map set has at least `index + 1` CPUs.
    public func forWorker(_ index: Int) -> ProgramAttachment {
        ProgramAttachment(copying: self, interpreter: interpreter.forWorker(index))
    }
}
