import Datapath
import Foundation
import TestSupport
import Testing

@testable import SKBPFCommands

/// The pipeline description file: the documented example, the defaults, and errors that name
/// the line and the key path; `--attach HOOK=PROG[:SECTION]`.
@Suite struct PipelineFileTests {
    /// The example of PipelineFile.swift's doc comment.
    static let example = """
        # skbpf pipeline
        input: in                     # device the replayed capture arrives on (default: in)
        devices:
          - name: in
          - name: out
            mtu: 1500                 # default 65535
            link: ethernet            # ethernet | none ; default: same as the capture (input device's kind)
            addresses: [10.0.0.1/24, 2001:db8::1/64]
            mac: 02:00:00:00:00:01    # source MAC of frames the datapath writes (optional)
            neighbour: 02:00:00:00:00:02   # destination MAC (optional)
          - name: marked
        routes:
          - prefix: default           # or 0.0.0.0/0, 10.0.0.0/8, 2001:db8::/32, default6
            device: out
            table: main               # main | local | 1..252 (integer); default main
            via: 10.0.0.254           # optional gateway
        rules:
          - fwmark: 0x1               # integer, hex allowed; also "0x1/0xff" form sets the mask
            mask: 0xff                # optional, default 0xffffffff
            table: 100
            priority: 100             # optional, default 1000
        sockets:
          - protocol: udp             # udp | tcp
            port: 53
            address: 10.0.0.1         # optional (any)
            rcvbuf: 4096              # optional, default 212992
            reader: immediate         # immediate | stalled ; default immediate
            echo: true                # optional, UDP only
            mark: 7                   # optional SO_MARK
            priority: 3               # optional SO_PRIORITY
        attach:
          - hook: ingress             # one of HookPoint names
            program: ../Programs/build/classifier.o
            section: tc               # optional
            priority: 10              # optional, default 0; also the order of equal priorities = file order
            device: in                # optional, ingress/egress only
            maps:                     # optional pre-filled entries
              - map: blocked_ports
                key: "0050"           # hex bytes (spaces/colons allowed); or an integer -> little-endian,
                                      # size from `key_size:` if given else 4 bytes
                value: "01000000"
          - hook: socket
            program: ../Programs/build/trim_headers.o
            socket: udp/10.0.0.1:53   # optional, socket hook only; SocketConfiguration.name form
        """

    static func prefix(_ text: String) -> IPPrefix { IPPrefix(text)! }
    static func address(_ text: String) -> IPAddress { IPAddress(text)! }

    /// Parses `text` expecting an error.
    func parseError(_ text: String, inputHasLinkHeader: Bool = true) -> PipelineFileError? {
        do {
            _ = try PipelineFile.parse(text, path: "pipeline.yaml", inputHasLinkHeader: inputHasLinkHeader)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - The example

    @Test func exampleParsesIntoTheConfiguration() throws {
        // A capture without link headers: only `out`, which says `link: ethernet`, has one.
        let configuration = try PipelineFile.parse(Self.example, path: "pipelines/pipeline.yaml", inputHasLinkHeader: false)
        let expected = DatapathConfiguration(
            devices: [
                DeviceConfiguration(name: "in", hasLinkHeader: false),
                DeviceConfiguration(name: "out", hasLinkHeader: true, mtu: 1500,
                                    addresses: [Self.prefix("10.0.0.1/32"), Self.prefix("2001:db8::1/128")],
                                    macAddress: 0x0200_0000_0001, neighbourMACAddress: 0x0200_0000_0002),
                DeviceConfiguration(name: "marked", hasLinkHeader: false),
            ],
            routes: [
                // The connected routes of out's addresses come first, as `ip addr add` makes them.
                RouteConfiguration(prefix: Self.prefix("10.0.0.0/24"), device: "out"),
                RouteConfiguration(prefix: Self.prefix("2001:db8::/64"), device: "out"),
                RouteConfiguration(prefix: Self.prefix("0.0.0.0/0"), device: "out", table: RouteTable.mainTable,
                                   gateway: Self.address("10.0.0.254")),
            ],
            rules: [RuleConfiguration(mark: 1, mask: 0xff, table: 100, priority: 100)],
            sockets: [SocketConfiguration(transport: .udp, port: 53, address: Self.address("10.0.0.1"),
                                          receiveBufferSize: 4096, reader: .immediate, isEcho: true, mark: 7, priority: 3)],
            attachments: [
                AttachmentSpecification(hook: .ingress, programPath: "pipelines/../Programs/build/classifier.o",
                                        section: "tc", priority: 10, device: "in",
                                        mapEntries: [MapEntrySpecification(map: "blocked_ports", key: [0x00, 0x50],
                                                                           value: [0x01, 0, 0, 0])]),
                AttachmentSpecification(hook: .socket, programPath: "pipelines/../Programs/build/trim_headers.o",
                                        socket: "udp/10.0.0.1:53"),
            ],
            inputDevice: "in")
        #expect(configuration.devices == expected.devices)
        #expect(configuration.routes == expected.routes)
        #expect(configuration.rules == expected.rules)
        #expect(configuration.sockets == expected.sockets)
        #expect(configuration.attachments == expected.attachments)
        #expect(configuration == expected)
    }

    /// The doc comment's example is the one above, so the documentation stays true.
    @Test func docCommentExampleIsTheTestedOne() throws {
        let source = try String(
            contentsOf: SharedFixtures.repositoryRoot.appendingPathComponent("Sources/SKBPFCommands/Replay/PipelineFile.swift"),
            encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "/// ```yaml"))
        let end = try #require(lines[(start + 1)...].firstIndex(of: "/// ```"))
        let documented = lines[(start + 1)..<end].map { $0.hasPrefix("/// ") ? $0.dropFirst(4) : $0.dropFirst(3) }
        #expect(documented.joined(separator: "\n") == Self.example)
    }

    @Test func exampleFileParses() throws {
        let path = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/pipelines/example.yaml").path
        let configuration = try PipelineFile.load(path: path)
        #expect(configuration.devices.map(\.name) == ["in", "out", "marked"])
        #expect(configuration.inputDevice == "in")
        #expect(configuration.rules == [RuleConfiguration(mark: 2, mask: 0xff, table: 100, priority: 100)])
        #expect(configuration.attachments.map(\.hook) == [.ingress, .ingress, .egress, .socket])
        #expect(configuration.attachments.allSatisfy { $0.programPath.hasPrefix(path.dropLast("example.yaml".count) + "../build/") })
        let rateLimit = configuration.attachments[2]
        #expect(rateLimit.mapEntries == [MapEntrySpecification(
            map: "rate_buckets", key: [10, 0, 0, 2], value: [3, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xff, count: 8))])
        #expect(configuration.attachments[3].socket == "udp/10.0.0.1:53")
    }

    /// The reference in Documentation/Datapath.md is a file that reads, with what its comments say.
    @Test func documentationReferenceReads() throws {
        let path = SharedFixtures.repositoryRoot.appendingPathComponent("Documentation/Datapath.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let block = try #require(text.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let configuration = try PipelineFile.parse(block, path: path)
        #expect(configuration.devices.map(\.name) == ["in", "out", "tunB"])
        #expect(configuration.devices.map(\.hasLinkHeader) == [true, true, false])
        #expect(configuration.rules.count == 1 && configuration.sockets.count == 1)
        #expect(configuration.attachments.map(\.hook) == [.ingress, .socket, .prerouting])
        #expect(configuration.attachments[0].programPath.hasSuffix("/Programs/build/classifier.o"))
    }

    @Test(.enabled(if: ExamplePrograms.built, "needs Programs/build (make -C Programs)"))
    func exampleFileProgramsExist() throws {
        let path = SharedFixtures.repositoryRoot.appendingPathComponent("Programs/pipelines/example.yaml").path
        for attachment in try PipelineFile.load(path: path).attachments {
            #expect(FileManager.default.fileExists(atPath: attachment.programPath), "\(attachment.programPath)")
        }
    }

    // MARK: - Defaults

    @Test(arguments: [true, false]) func emptyFileIsReplaysDefault(inputHasLinkHeader: Bool) throws {
        for text in ["", "# nothing\n", "~\n"] {
            let configuration = try PipelineFile.parse(text, path: "p.yaml", inputHasLinkHeader: inputHasLinkHeader)
            #expect(configuration == .replayDefault(inputHasLinkHeader: inputHasLinkHeader))
        }
    }

    @Test func attachmentsOnlyKeepTheDefaultTopology() throws {
        let configuration = try PipelineFile.parse("attach:\n  - hook: prerouting\n    program: /x/drop.o\n", path: "p.yaml")
        #expect(configuration == .replayDefault(
            inputHasLinkHeader: true, attachments: [AttachmentSpecification(hook: .prerouting, programPath: "/x/drop.o")]))
    }

    @Test func declaredDevicesWithoutRoutesHaveNoRoutes() throws {
        let configuration = try PipelineFile.parse("devices:\n  - name: in\n  - name: a\n", path: "p.yaml")
        #expect(configuration.devices.map(\.name) == ["in", "a"])
        #expect(configuration.routes.isEmpty)
    }

    @Test func routesWithoutDevicesUseInAndOut() throws {
        let configuration = try PipelineFile.parse("routes:\n  - prefix: 10.0.0.0/8\n    device: out\n", path: "p.yaml")
        #expect(configuration.devices == DatapathConfiguration.replayDefault(inputHasLinkHeader: true).devices)
        #expect(configuration.routes == [RouteConfiguration(prefix: Self.prefix("10.0.0.0/8"), device: "out")])
    }

    @Test func undeclaredInputDeviceIsAddedFirst() throws {
        let configuration = try PipelineFile.parse(
            "input: tun0\ndevices:\n  - name: out\n    link: none\n", path: "p.yaml", inputHasLinkHeader: true)
        #expect(configuration.inputDevice == "tun0")
        #expect(configuration.devices == [DeviceConfiguration(name: "tun0", hasLinkHeader: true),
                                          DeviceConfiguration(name: "out", hasLinkHeader: false)])
    }

    @Test func emptyValuesCountAsAbsent() throws {
        let configuration = try PipelineFile.parse("input:\ndevices:\nroutes: ~\nattach: null\n", path: "p.yaml")
        #expect(configuration == .replayDefault(inputHasLinkHeader: true))
    }

    @Test func fieldDefaults() throws {
        let configuration = try PipelineFile.parse("""
            devices: [{name: in, addresses: [10.0.0.1]}]
            routes: [{prefix: 10.1.0.0/16, device: in, table: 7}]
            rules: [{fwmark: 5, table: local}]
            sockets: [{protocol: tcp, port: 80}]
            attach: [{hook: egress, program: prog.o}]
            """, path: "p.yaml")
        #expect(configuration.devices == [DeviceConfiguration(name: "in", hasLinkHeader: true,
                                                              addresses: [Self.prefix("10.0.0.1/32")])])
        #expect(configuration.routes == [RouteConfiguration(prefix: Self.prefix("10.1.0.0/16"), device: "in", table: 7)])
        #expect(configuration.rules == [RuleConfiguration(mark: 5, mask: 0xffff_ffff, table: RouteTable.localTable,
                                                          priority: 1000)])
        #expect(configuration.sockets == [SocketConfiguration(transport: .tcp, port: 80)])
        #expect(configuration.attachments == [AttachmentSpecification(hook: .egress, programPath: "prog.o", priority: 0)])
    }

    /// YAML 1.1 would read 12:34:56:… as a base-60 integer and 0x1 as 1: the file's text is what counts.
    @Test func scalarsAreReadAsWritten() throws {
        let configuration = try PipelineFile.parse(
            "devices:\n  - {name: in, mac: 12:34:56:78:9a:bc, neighbour: AA-BB-CC-DD-EE-FF}\n", path: "p.yaml")
        #expect(configuration.devices.first?.macAddress == 0x1234_5678_9abc)
        #expect(configuration.devices.first?.neighbourMACAddress == 0xaabb_ccdd_eeff)
    }

    @Test func fwmarkWithMaskAndHexIntegers() throws {
        let configuration = try PipelineFile.parse("""
            rules:
              - {fwmark: 0x10/0xf0, table: 0x64, priority: 1_000}
            sockets:
              - {protocol: udp, port: 0x35, rcvbuf: 212_992, reader: stalled, mark: 0xffffffff}
            """, path: "p.yaml")
        #expect(configuration.rules == [RuleConfiguration(mark: 0x10, mask: 0xf0, table: 100, priority: 1000)])
        #expect(configuration.sockets == [SocketConfiguration(transport: .udp, port: 53, reader: .stalled,
                                                              mark: 0xffff_ffff)])
    }

    @Test func mapKeysAndValues() throws {
        func entry(_ key: String, _ value: String, sizes: String = "") throws -> MapEntrySpecification? {
            let text = "attach:\n  - hook: ingress\n    program: p.o\n    maps:\n      - {map: m, key: \(key), value: \(value)\(sizes)}\n"
            return try PipelineFile.parse(text, path: "p.yaml").attachments.first?.mapEntries.first
        }
        #expect(try entry("80", "1")?.key == [80, 0, 0, 0])
        #expect(try entry("80", "1", sizes: ", key_size: 2, value_size: 1") == MapEntrySpecification(map: "m", key: [80, 0], value: [1]))
        #expect(try entry("\"0050\"", "'de ad:be ef'")?.key == [0x00, 0x50])
        #expect(try entry("\"0050\"", "'de ad:be ef'")?.value == [0xde, 0xad, 0xbe, 0xef])
        #expect(try entry("0a:00:00:01", "-1")?.key == [10, 0, 0, 1])
        #expect(try entry("0a:00:00:01", "-1")?.value == [0xff, 0xff, 0xff, 0xff])
        #expect(try entry("0xffffffffffffffff", "0x1", sizes: ", key_size: 8")?.key == [UInt8](repeating: 0xff, count: 8))
        #expect(try entry("7", "0", sizes: ", key_size: 12")?.key == [7] + [UInt8](repeating: 0, count: 11))
    }

    // MARK: - Errors name the line and the key path

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int?
        var keyPath: String
        var message: String
        var testDescription: String { name }

        init(_ name: String, _ yaml: String, _ line: Int?, _ keyPath: String, _ message: String) {
            (self.name, self.yaml, self.line, self.keyPath, self.message) = (name, yaml, line, keyPath, message)
        }
    }

    /// Each case: the file, then the line, key path and (part of) the message of its error.
    static let errorCases: [ErrorCase] = [
        ErrorCase("unknown key", "devices:\n  - name: in\n    mtus: 1500\n",
                  3, "devices[0].mtus",
                  "unknown key 'mtus' (known keys: name, mtu, link, addresses, mac, neighbour, tun); did you mean 'mtu'?"),
        ErrorCase("unknown top-level key", "input: in\ndevicse: []\n",
                  2, "devicse", "did you mean 'devices'?"),
        ErrorCase("bad hook", "attach:\n  - program: a.o\n    hook: prerouteing\n",
                  3, "attach[0].hook",
                  "'prerouteing' is not a hook (hooks: ingress, prerouting, input, forward, output, postrouting, socket, egress)"),
        ErrorCase("route to an undeclared device",
                  "devices:\n  - name: in\n  - name: out\nroutes:\n  - prefix: default\n    device: eth0\n",
                  6, "routes[0].device", "no device 'eth0' (devices: in, out)"),
        ErrorCase("wrong type", "devices:\n  - name: in\n    mtu: big\n",
                  3, "devices[0].mtu", "'big' is not an integer"),
        ErrorCase("list where a scalar goes", "devices:\n  - name: [in]\n",
                  2, "devices[0].name", "expected a device name, found a list"),
        ErrorCase("mapping where a list goes", "\n\nroutes:\n  prefix: default\n",
                  4, "routes", "expected a list of routes, found a mapping (key: value)"),
        ErrorCase("YAML syntax error", "devices:\n  - name: in\n   mtu: 1500\n  - name: [out\n",
                  3, "", "YAML syntax: did not find expected '-' indicator"),
        ErrorCase("duplicate key", "devices:\n  - name: in\n    mtu: 1500\n    mtu: 9000\n",
                  4, "", "key 'mtu' appears twice in the same mapping (first at line 3)"),
        ErrorCase("duplicate key in a flow mapping", "devices:\n  - {name: in, name: out}\n",
                  2, "", "key 'name' appears twice in the same mapping"),
        ErrorCase("duplicate device", "devices:\n  - name: in\n  - name: out\n  - name: in\n",
                  4, "devices[2].name", "device 'in' is declared twice (first at line 2)"),
        ErrorCase("port 0", "sockets:\n  - protocol: udp\n    port: 0\n",
                  3, "sockets[0].port", "0 is outside 1…65535"),
        ErrorCase("mtu too small", "devices:\n  - {name: in, mtu: 67}\n",
                  2, "devices[0].mtu", "67 is outside 68…65535"),
        ErrorCase("missing required key", "routes:\n  - device: out\n",
                  2, "routes[0].prefix", "missing; a route says where it leads"),
        ErrorCase("top level not a mapping", "- devices\n",
                  1, "", "expected a mapping of input, devices, routes, rules, sockets, attach, found a list"),
        ErrorCase("bad input device name", "input: ../in\n",
                  1, "input", "'../in' is not a device name"),
        ErrorCase("bad table", "routes:\n  - {prefix: default, device: out, table: 254}\n",
                  2, "routes[0].table", "'254' is not a routing table (main, local or 1…252)"),
        ErrorCase("gateway of the other version", "routes:\n  - prefix: default6\n    device: out\n    via: 10.0.0.1\n",
                  4, "routes[0].via", "gateway 10.0.0.1 is IPv4 but the route is for ::/0 (IPv6)"),
        ErrorCase("route declared twice", "routes:\n  - {prefix: default, device: out}\n  - {prefix: 0.0.0.0/0, device: in}\n",
                  3, "routes[1].prefix", "route 0.0.0.0/0 in table 254 exists twice: already declared at line 2"),
        ErrorCase("route shadowing a connected one",
                  "devices:\n  - {name: in, addresses: [10.0.0.1/24]}\nroutes:\n  - {prefix: 10.0.0.0/24, device: in}\n",
                  4, "routes[0].prefix", "exists twice: the connected route of device 'in' at line 2"),
        ErrorCase("bad device address", "devices:\n  - {name: in, addresses: [default]}\n",
                  2, "devices[0].addresses[0]", "'default' is not an address with its prefix length"),
        ErrorCase("bad MAC", "devices:\n  - name: in\n    mac: 02:00:00:00:00\n",
                  3, "devices[0].mac", "'02:00:00:00:00' is not a MAC address"),
        ErrorCase("multicast MAC", "devices:\n  - name: in\n    mac: 01:00:5e:00:00:01\n",
                  3, "devices[0].mac", "is a multicast address"),
        ErrorCase("bad link", "devices:\n  - {name: in, link: ppp}\n",
                  2, "devices[0].link", "'ppp' is not one of ethernet, none"),
        ErrorCase("device name with a slash", "devices:\n  - name: a/b\n",
                  2, "devices[0].name", "'a/b' is not a device name"),
        ErrorCase("mask given twice", "rules:\n  - fwmark: 1/0xff\n    mask: 0xff\n    table: 5\n",
                  3, "rules[0].mask", "the mask is given twice"),
        ErrorCase("fwmark too wide", "rules:\n  - {fwmark: 0x100000000, table: 5}\n",
                  2, "rules[0].fwmark", "4294967296 is outside 0…4294967295"),
        ErrorCase("echo on TCP", "sockets:\n  - protocol: tcp\n    port: 80\n    echo: true\n",
                  4, "sockets[0].echo", "only UDP sockets echo (this one is tcp)"),
        ErrorCase("not a boolean", "sockets:\n  - {protocol: udp, port: 53, echo: maybe}\n",
                  2, "sockets[0].echo", "'maybe' is not a boolean"),
        ErrorCase("socket on a foreign address", "sockets:\n  - {protocol: udp, port: 53, address: 10.9.9.9}\n",
                  2, "sockets[0].address",
                  "10.9.9.9 is not an address of any device, so bind() would fail (no device has addresses)"),
        ErrorCase("socket declared twice",
                  "sockets:\n  - {protocol: udp, port: 53}\n  - {protocol: udp, port: 53, address: 0.0.0.0}\n",
                  3, "sockets[1]", "socket udp/53 is declared twice (first at line 2)"),
        ErrorCase("device on a netfilter hook", "attach:\n  - hook: forward\n    program: a.o\n    device: in\n",
                  4, "attach[0].device", "'device' applies to the ingress and egress hooks, not forward"),
        ErrorCase("attachment to an undeclared device", "attach:\n  - {hook: egress, program: a.o, device: eth1}\n",
                  2, "attach[0].device", "no device 'eth1' (devices: in, out)"),
        ErrorCase("socket on the ingress hook", "attach:\n  - {hook: ingress, program: a.o, socket: udp/53}\n",
                  2, "attach[0].socket", "'socket' applies to the socket hook, not ingress"),
        ErrorCase("attachment to an undeclared socket",
                  "sockets:\n  - {protocol: udp, port: 53}\nattach:\n  - hook: socket\n    program: a.o\n    socket: udp/54\n",
                  6, "attach[0].socket", "no socket udp/54 (sockets: udp/53)"),
        ErrorCase("socket name that does not parse", "attach:\n  - {hook: socket, program: a.o, socket: dns}\n",
                  2, "attach[0].socket", "'dns' is not a socket name"),
        ErrorCase("bad hex bytes", mapEntry("{map: m, key: \"05 0\", value: 1}"),
                  5, "attach[0].maps[0].key", "'05 0' is not hex bytes"),
        ErrorCase("ambiguous leading zero", mapEntry("{map: m, key: 0050, value: 1}"),
                  5, "attach[0].maps[0].key", "'0050' is ambiguous"),
        ErrorCase("integer wider than its size", mapEntry("{map: m, key: 1, value: 256, value_size: 1}"),
                  5, "attach[0].maps[0].value", "256 does not fit in 1 byte"),
        ErrorCase("hex bytes of another size", mapEntry("{map: m, key: '0102', value: 1, key_size: 4}"),
                  5, "attach[0].maps[0].key", "2 bytes given but key_size is 4"),
        ErrorCase("two documents", "input: in\n---\ninput: out\n",
                  2, "", "one YAML document"),
    ]

    /// A file whose one attachment has one map entry, at line 5.
    static func mapEntry(_ entry: String) -> String {
        "attach:\n  - hook: ingress\n    program: a.o\n    maps:\n      - \(entry)\n"
    }

    @Test(arguments: errorCases) func errorNamesLineAndKeyPath(_ errorCase: ErrorCase) throws {
        let error = try #require(parseError(errorCase.yaml))
        #expect(error.path == "pipeline.yaml")
        #expect(error.line == errorCase.line)
        #expect(error.keyPath == errorCase.keyPath)
        #expect(error.message.text.contains(errorCase.message), "\(error)")
    }

    @Test func errorDescriptionReadsLikeACompilersMessage() throws {
        let text = """
            # skbpf pipeline
            devices:
              - name: in
              - name: out
            routes:
              - prefix: default
                device: out
              - prefix: default6
                device: out
                table: main
                # the private network,
                # mistyped:

              - prefix: 10.0.0.0/33
                device: out
            """
        let error = try #require(parseError(text))
        #expect(error.description == "pipeline.yaml:14: routes[2].prefix: '10.0.0.0/33' is not an address prefix "
            + "(e.g. 10.0.0.0/8, 2001:db8::/32, default)")
        #expect(error.column == 13)
        #expect(error.message == .notAPrefix("10.0.0.0/33"))
    }

    @Test func yamlSyntaxErrorKeepsItsLine() throws {
        let error = try #require(parseError("devices:\n  - name: in\n    addresses: [10.0.0.1/24\n"))
        #expect(error.line == 4)
        #expect(error.description.hasPrefix("pipeline.yaml:4: YAML syntax: "))
    }

    @Test func errorWithoutALineOrKeyPathOmitsThem() {
        // How validate()'s errors, the last resort, read.
        #expect(PipelineFileError(path: "p.yaml", message: .init("a device has an empty name")).description
            == "p.yaml: a device has an empty name")
        #expect(PipelineFileError(path: "p.yaml", keyPath: "routes[0]", message: .init("m")).description
            == "p.yaml: routes[0]: m")
    }

    @Test func loadNamesAnUnreadablePath() throws {
        do {
            _ = try PipelineFile.load(path: "/nonexistent/pipeline.yaml")
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.description == "/nonexistent/pipeline.yaml: no such file")
            #expect(error.line == nil)
        }
        do {
            _ = try PipelineFile.load(path: NSTemporaryDirectory())
            Issue.record("loaded a directory")
        } catch {
            #expect(error.description.hasSuffix(": is a directory"))
        }
    }

    @Test func programPathsAreRelativeToTheFile() {
        #expect(PipelineFile.resolve(program: "a.o", relativeTo: "p.yaml") == "a.o")
        #expect(PipelineFile.resolve(program: "../build/a.o", relativeTo: "dir/p.yaml") == "dir/../build/a.o")
        #expect(PipelineFile.resolve(program: "/abs/a.o", relativeTo: "/etc/p.yaml") == "/abs/a.o")
        #expect(PipelineFile.resolve(program: "a.o", relativeTo: "/p.yaml") == "/a.o")
    }

    @Test func socketReferencesAreNormalized() throws {
        let configuration = try PipelineFile.parse("""
            devices: [{name: in, addresses: [2001:db8::1/64]}]
            sockets: [{protocol: udp, port: 53, address: 2001:db8::1}, {protocol: tcp, port: 80}]
            attach:
              - {hook: socket, program: a.o, socket: "UDP/[2001:db8::1]:0x35"}
              - {hook: socket, program: b.o, socket: tcp/0.0.0.0:80}
            """, path: "p.yaml")
        #expect(configuration.attachments.map(\.socket) == ["udp/[2001:db8::1]:53", "tcp/80"])
    }

    // MARK: - --attach HOOK=PROG[:SECTION]

    struct AttachCase: Sendable, CustomTestStringConvertible {
        var argument: String
        var hook: HookPoint
        var program: String
        var section: String?
        var testDescription: String { argument }
    }

    /// Files that "exist" for these cases.
    static let existingFiles: Set<String> = ["data:2024/prog", "odd:name"]

    @Test(arguments: [
        AttachCase(argument: "prerouting=drop_icmp.o", hook: .prerouting, program: "drop_icmp.o"),
        AttachCase(argument: "ingress=classifier.o:tc", hook: .ingress, program: "classifier.o", section: "tc"),
        AttachCase(argument: "egress=prog.o:classifier/flow", hook: .egress, program: "prog.o", section: "classifier/flow"),
        AttachCase(argument: "socket=/abs/trim.s:main", hook: .socket, program: "/abs/trim.s", section: "main"),
        AttachCase(argument: "input=x.asm:f", hook: .input, program: "x.asm", section: "f"),
        AttachCase(argument: "output=x.bin:f", hook: .output, program: "x.bin", section: "f"),
        // A ':' in the path: the part before the last ':' is neither a file nor a program name.
        AttachCase(argument: "ingress=dir:x/prog.o", hook: .ingress, program: "dir:x/prog.o"),
        AttachCase(argument: "ingress=weird:tc", hook: .ingress, program: "weird:tc"),
        // The whole thing is a file: no section, even if the part before ':' ends in .o.
        AttachCase(argument: "forward=data:2024/prog", hook: .forward, program: "data:2024/prog"),
        // The part before the last ':' is an existing file.
        AttachCase(argument: "postrouting=odd:name:sec", hook: .postrouting, program: "odd:name", section: "sec"),
    ])
    func attachArgument(_ attachCase: AttachCase) throws {
        let attachment = try AttachmentSpecification.parseCommandLine(
            attachCase.argument, priority: 3, fileExists: { Self.existingFiles.contains($0) })
        #expect(attachment == AttachmentSpecification(hook: attachCase.hook, programPath: attachCase.program,
                                                      section: attachCase.section, priority: 3))
    }

    @Test(arguments: [
        ("bogus=x.o", "--attach 'bogus=x.o': 'bogus' is not a hook (hooks: \(HookPoint.names))"),
        ("x.o", "--attach 'x.o': expected HOOK=PROG[:SECTION] (e.g. ingress=classifier.o:tc)"),
        ("ingress=x.o:", "--attach 'ingress=x.o:': the section after ':' is empty"),
        ("ingress=", "--attach 'ingress=': the program path after '=' is empty"),
    ])
    func badAttachArgument(_ argument: String, message: String) {
        do {
            _ = try AttachmentSpecification.parseCommandLine(argument, fileExists: { _ in false })
            Issue.record("accepted \(argument)")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.message == message)
        }
    }

    @Test func attachArgumentsRunInTheOrderGiven() throws {
        let attachments = try AttachmentSpecification.parseCommandLine(
            ["ingress=a.o", "ingress=b.o:tc", "egress=c.o"], fileExists: { _ in false })
        #expect(attachments.map(\.priority) == [0, 1, 2])
        #expect(attachments.map(\.programPath) == ["a.o", "b.o", "c.o"])
    }
}
