/// A program to attach, as the pipeline file or `--attach HOOK=PROG[:SECTION]` says it. Loading
/// the file is the commands' business; the datapath receives the loaded program.
public struct AttachmentSpecification: Sendable, Hashable {
    public var hook: HookPoint
    /// Path of the program file (ELF object, assembly, raw bytecode, classic BPF); empty when
    /// ``filterExpression`` names the program instead.
    public var programPath: String
    /// A tcpdump expression to compile and attach in place of a program file.
    public var filterExpression: String?
    /// A filter of the frame as it was captured (`replay --filter`): the replay runs it before
    /// the device takes the packet in (``Datapath/filterArrival(_:on:attachment:wireLength:)``),
    /// and it counts as the first program at the device's `ingress`; the datapath does not run it
    /// at the hook again.
    public var isCaptureFilter = false
    /// ELF section or function name; nil when the file holds one program.
    public var section: String?
    /// Lower runs first; attachments of equal priority run in the order given.
    public var priority: Int
    /// Device hooks: the device it attaches to; nil attaches to every device.
    public var device: String?
    /// Socket hook: the socket (``SocketConfiguration/name``) it attaches to; nil: every socket.
    public var socket: String?
    /// Map entries to set before the first packet.
    public var mapEntries: [MapEntrySpecification]

    public init(hook: HookPoint, programPath: String, section: String? = nil, priority: Int = 0,
                device: String? = nil, socket: String? = nil, mapEntries: [MapEntrySpecification] = [],
                filterExpression: String? = nil) {
        self.hook = hook
        self.programPath = programPath
        self.filterExpression = filterExpression
        self.section = section
        self.priority = priority
        self.device = device
        self.socket = socket
        self.mapEntries = mapEntries
    }
}

/// One map entry to pre-fill: the map's name and the key and value bytes.
public struct MapEntrySpecification: Sendable, Hashable {
    public var map: String
    public var key: [UInt8]
    public var value: [UInt8]

    public init(map: String, key: [UInt8], value: [UInt8]) {
        self.map = map
        self.key = key
        self.value = value
    }
}
