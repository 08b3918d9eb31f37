/// A program to attach, as the pipeline file or `--attach HOOK=PROG[:SECTION]` says it. Loading
/// the file is the commands' business; the datapath receives the loaded program.
public struct AttachmentSpecification: Sendable, Hashable {
    public var hook: HookPoint
    /// Path of the program file (ELF object, assembly or raw bytecode).
    public var programPath: String
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
                device: String? = nil, socket: String? = nil, mapEntries: [MapEntrySpecification] = []) {
        self.hook = hook
        self.programPath = programPath
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
