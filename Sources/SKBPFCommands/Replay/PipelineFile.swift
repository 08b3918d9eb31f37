import Datapath
import Foundation
import Yams

/// The pipeline description file of `skbpf replay`: the devices, routes, rules, sockets and
/// programs of a datapath, in YAML, read into a `DatapathConfiguration`.
///
/// ```yaml
/// # skbpf pipeline
/// input: in                     # device the replayed capture arrives on (default: in)
/// devices:
///   - name: in
///   - name: out
///     mtu: 1500                 # default 65535
///     link: ethernet            # ethernet | none ; default: same as the capture (input device's kind)
///     addresses: [10.0.0.1/24, 2001:db8::1/64]
///     mac: 02:00:00:00:00:01    # source MAC of frames the datapath writes (optional)
///     neighbour: 02:00:00:00:00:02   # destination MAC (optional)
///   - name: marked
/// routes:
///   - prefix: default           # or 0.0.0.0/0, 10.0.0.0/8, 2001:db8::/32, default6
///     device: out
///     table: main               # main | local | 1..252 (integer); default main
///     via: 10.0.0.254           # optional gateway
/// rules:
///   - fwmark: 0x1               # integer, hex allowed; also "0x1/0xff" form sets the mask
///     mask: 0xff                # optional, default 0xffffffff
///     table: 100
///     priority: 100             # optional, default 1000
/// sockets:
///   - protocol: udp             # udp | tcp
///     port: 53
///     address: 10.0.0.1         # optional (any)
///     rcvbuf: 4096              # optional, default 212992
///     reader: immediate         # immediate | stalled ; default immediate
///     echo: true                # optional, UDP only
///     mark: 7                   # optional SO_MARK
///     priority: 3               # optional SO_PRIORITY
/// attach:
///   - hook: ingress             # one of HookPoint names
///     program: ../Programs/build/classifier.o
///     section: tc               # optional
///     priority: 10              # optional, default 0; also the order of equal priorities = file order
///     device: in                # optional, ingress/egress only
///     maps:                     # optional pre-filled entries
///       - map: blocked_ports
///         key: "0050"           # hex bytes (spaces/colons allowed); or an integer -> little-endian,
///                               # size from `key_size:` if given else 4 bytes
///         value: "01000000"
///   - hook: socket
///     program: ../Programs/build/trim_headers.o
///     socket: udp/10.0.0.1:53   # optional, socket hook only; SocketConfiguration.name form
/// ```
///
/// An attachment may name a tcpdump expression instead of a program file:
/// `- {hook: prerouting, filter: udp and dst port 53}`. It runs as a socket filter (0 drops),
/// compiled by libpcap for EN10MB at the device hooks of Ethernet devices, else for RAW with
/// offsets from the network header.
///
/// For `skbpf attach`, a device also takes `tun:` (the TUN device behind it; see
/// PipelineFile+Tun.swift), which replay ignores.
///
/// The rules, beyond the comments above:
/// - Every key is optional except `devices[].name`, `routes[].prefix` and `.device`,
///   `rules[].fwmark` and `.table`, `sockets[].protocol` and `.port`, `attach[].hook` and
///   `.program` (or `.filter`, which takes no `section` or `maps`), `maps[].map`, `.key` and `.value`. A key written with no value (or `~`, `null`)
///   counts as absent. Unknown keys are errors (they are typos); so are values of the wrong type.
/// - Integers are decimal or `0x` hex, `_` allowed between digits. Ports are 1…65535, `mtu`
///   68…65535, `rcvbuf` above 0, marks and priorities of sockets 32-bit.
/// - `devices:` omitted: the devices are `in` and `out` of the capture's kind, as
///   `DatapathConfiguration.replayDefault`; with `routes:` omitted too, so are its default routes
///   (IPv4 and IPv6 to `out`). A device named by `input:` that is not declared is added first.
/// - `addresses:` are owned as `ip addr add 10.0.0.1/24 dev out` owns them: the device gets the
///   host address (10.0.0.1/32) and the main table the connected route (10.0.0.0/24 dev out),
///   placed before the routes of `routes:`, so the configuration lists every route the tables
///   hold. A route declared twice in one table is an error, as
///   `ip route add` refuses it.
/// - A socket's `address:` must be one of the devices' addresses (else bind() fails with
///   EADDRNOTAVAIL); `0.0.0.0` and `::` mean any address, as leaving it out does.
/// - `program:` paths are relative to the pipeline file's folder; whether they exist and hold
///   `section` is checked when the programs are loaded, not here. A `filter:` expression is
///   compiled here, so libpcap's error names its line; an expression at `ingress`/`egress`
///   without `device:` must serve devices of one kind (with or without a link header).
/// - Map `key:`/`value:` written quoted are hex bytes in the order written; written plain they
///   are integers stored little-endian in `key_size:`/`value_size:` bytes (default 4), unless
///   they are not integers (`de ad`, `00:50`), then hex bytes too. Plain digits with a leading
///   zero (`0050`) are refused as ambiguous.
/// - Error key paths index lists from 0: `routes[2]` is the third route.
struct PipelineFile {
    /// Parses `text` (the contents of `path`, used in messages). Relative program paths are
    /// resolved against the directory of `path`.
    /// - Parameter inputHasLinkHeader: whether the capture's frames start with an Ethernet
    ///   header: the kind of devices without `link:`.
    /// - Throws: ``PipelineFileError`` naming the line and key path of the first problem.
    static func parse(_ text: String, path: String, inputHasLinkHeader: Bool = true)
        throws(PipelineFileError) -> DatapathConfiguration
    {
        let root = try compose(text, path: path)
        var reader = PipelineReader(path: path, inputHasLinkHeader: inputHasLinkHeader)
        let configuration = try reader.read(root.map { PipelineValue(node: $0, keyPath: "", path: path) })
        try validate(configuration, path: path)
        return configuration
    }

    /// The YAML document of `text`; nil for an empty one.
    private static func compose(_ text: String, path: String) throws(PipelineFileError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipelineFileError(yaml: error, path: path)
        } catch {
            throw PipelineFileError(path: path, message: .yamlSyntax("\(error)", context: nil))
        }
    }

    /// The reader names a line for everything `validate()` knows; this is the net.
    private static func validate(_ configuration: DatapathConfiguration, path: String) throws(PipelineFileError) {
        do {
            try configuration.validate()
        } catch {
            throw PipelineFileError(path: path, message: .init(error.message))
        }
    }

    /// Reads and parses the file at `path`; unreadable is an error naming the path.
    static func load(path: String, inputHasLinkHeader: Bool = true) throws(PipelineFileError) -> DatapathConfiguration {
        try parse(try readText(path: path), path: path, inputHasLinkHeader: inputHasLinkHeader)
    }

    private static func readText(path: String) throws(PipelineFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot be read"
            throw PipelineFileError(path: path, message: .unreadable(reason))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw PipelineFileError(path: path, message: .notUTF8)
        }
        return text
    }

    /// A pipeline for the live engine: every device must have a TUN behind it.
    static func loadLive(path: String) throws(PipelineFileError) -> LivePipeline {
        let text = try readText(path: path)
        let root = try compose(text, path: path)
        var reader = PipelineReader(path: path, inputHasLinkHeader: false)
        reader.isLive = true
        let configuration = try reader.read(root.map { PipelineValue(node: $0, keyPath: "", path: path) })
        guard root != nil, !configuration.devices.isEmpty else {
            throw PipelineFileError(path: path, message: .init("no devices: skbpf attach needs TUN devices (devices[].tun)"))
        }
        for device in configuration.devices where reader.tunDevices[device.name] == nil {
            throw PipelineFileError(path: path, line: reader.deviceLines[device.name] ?? nil,
                                    message: .init("device '\(device.name)' has no TUN behind it (add tun: true, or tun: {netns: …})"))
        }
        try validate(configuration, path: path)
        return LivePipeline(configuration: configuration, tunDevices: configuration.devices.map { reader.tunDevices[$0.name]! })
    }

    /// `program` as seen from the current directory: absolute as is, relative joined to the
    /// pipeline file's folder (lexically: `..` stays, as the kernel would resolve it).
    static func resolve(program: String, relativeTo path: String) -> String {
        guard !program.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return program }
        return String(path[...slash]) + program
    }
}

extension PipelineFileError {
    /// A syntax error of Yams, with its line.
    init(yaml error: YamlError, path: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let where_ = context.map { "\($0.text) at line \($0.mark.line)" }
            if problem == "but found another document" {
                self.init(path: path, line: mark.line, column: mark.column, message: .multipleDocuments)
            } else {
                self.init(path: path, line: mark.line, column: mark.column,
                          message: .yamlSyntax(problem, context: where_))
            }
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { offset in 1 + yaml.prefix(offset).reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
            self.init(path: path, line: line, message: .yamlSyntax(problem, context: nil))
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first occurrence (and its context text is the whole file): point at
            // the repeat when it is found below, at the same column of a block mapping.
            let first = context.mark
            if let key = duplicates.first, let line = Self.lineRepeating(key: key, of: first, in: context.text) {
                self.init(path: path, line: line, column: first.column,
                          message: .duplicateKey(duplicates, firstLine: first.line))
            } else {
                self.init(path: path, line: first.line, column: first.column,
                          message: .duplicateKey(duplicates, firstLine: nil))
            }
        default:
            self.init(path: path, message: .yamlSyntax("\(error)", context: nil))
        }
    }
}

extension PipelineFileError {
    /// The first line below `first` holding `key:` at `first`'s column, after nothing but
    /// indentation and `- ` (a block mapping's next key); nil when there is none.
    fileprivate static func lineRepeating(key: String, of first: Mark, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for index in first.line..<lines.count {  // line numbers are 1-based: this starts below `first`
            let scalars = lines[index].unicodeScalars
            guard scalars.count >= first.column - 1 + key.unicodeScalars.count else { continue }
            let indentation = scalars.prefix(first.column - 1)
            let rest = String(String.UnicodeScalarView(scalars.dropFirst(first.column - 1)))
            if indentation.allSatisfy({ $0 == " " || $0 == "-" }), rest.hasPrefix(key),
               rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return index + 1
            }
        }
        return nil
    }
}

/// The state of one reading: what is declared so far, and where, for the cross-checks.
struct PipelineReader {
    var path: String
    var inputHasLinkHeader: Bool

    var inputDevice = "in"
    var devices: [DeviceConfiguration] = []
    /// Line of each device's declaration.
    var deviceLines: [String: Int?] = [:]
    /// Connected routes of the devices' addresses, and their lines.
    var connectedRoutes: [(route: RouteConfiguration, line: Int?)] = []
    var routes: [RouteConfiguration] = []
    var routeLines: [Int?] = []
    var rules: [RuleConfiguration] = []
    var sockets: [SocketConfiguration] = []
    var socketLines: [String: Int?] = [:]
    var attachments: [AttachmentSpecification] = []
    /// Reading for `skbpf attach`: no capture, so no input device is added.
    var isLive = false
    /// The TUN backing of devices that have one (`tun:`), by device name.
    var tunDevices: [String: TunBacking] = [:]

    static let topLevelKeys = ["input", "devices", "routes", "rules", "sockets", "attach"]

    init(path: String, inputHasLinkHeader: Bool) {
        self.path = path
        self.inputHasLinkHeader = inputHasLinkHeader
    }

    /// The configuration `root` describes; nil (an empty file) is replay's default.
    mutating func read(_ root: PipelineValue?) throws(PipelineFileError) -> DatapathConfiguration {
        let top = try root.flatMap { $0.isNull ? nil : $0 }.map { value throws(PipelineFileError) in
            try value.mapping(known: Self.topLevelKeys, "a mapping of input, devices, routes, rules, sockets, attach")
        }
        if let input = top?["input"] {
            inputDevice = try input.string("a device name")
            guard Self.isDeviceName(inputDevice) else { throw input.error(.notADeviceName(inputDevice)) }
        }
        // Order matters: routes and attachments refer to devices, attachments to sockets.
        try readDevices(top?["devices"])
        try readRoutes(top?["routes"], devicesOmitted: top?["devices"] == nil)
        try readRules(top?["rules"])
        try readSockets(top?["sockets"])
        try readAttachments(top?["attach"])
        if isLive, top?["input"] == nil, let first = devices.first { inputDevice = first.name }
        return DatapathConfiguration(
            devices: devices, routes: connectedRoutes.map(\.route) + routes, rules: rules, sockets: sockets,
            attachments: attachments, inputDevice: inputDevice)
    }

    /// Device names, for messages.
    var deviceNames: [String] { devices.map(\.name) }
}
