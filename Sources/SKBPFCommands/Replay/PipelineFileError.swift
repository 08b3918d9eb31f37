import Datapath

/// What is wrong with a pipeline file, and where: the file, the line (and column) and the key
/// path of the offending value, as a compiler would say it:
///
///     pipeline.yaml:14: routes[2].prefix: '10.0.0.0/33' is not an address prefix (e.g. 10.0.0.0/8, …)
///
/// Key paths index lists from 0 (`routes[2]` is the third route). Only the checks of
/// `DatapathConfiguration.validate()`, the last resort, come without a line.
struct PipelineFileError: Error, Sendable, CustomStringConvertible {
    /// The file as the caller named it.
    var path: String
    /// 1-based line of the offending value, key or YAML syntax error.
    var line: Int?
    /// 1-based column (Unicode scalars, as libyaml counts them).
    var column: Int?
    /// `routes[2].prefix`; empty for the document as a whole and for YAML syntax errors.
    var keyPath: String
    var message: Message

    /// One line saying what is wrong; the factories below are the catalog.
    struct Message: Sendable, Hashable, CustomStringConvertible {
        var text: String
        init(_ text: String) { self.text = text }
        var description: String { text }
    }

    init(path: String, line: Int? = nil, column: Int? = nil, keyPath: String = "", message: Message) {
        self.path = path
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    var description: String {
        var text = path
        if let line { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        return text + message.text
    }
}

// MARK: - The catalog

extension PipelineFileError.Message {
    // The file and its YAML

    static func unreadable(_ reason: String) -> Self { .init(reason) }
    static var notUTF8: Self { .init("is not UTF-8 text") }
    static func yamlSyntax(_ problem: String, context: String?) -> Self {
        .init("YAML syntax: \(problem)" + (context.map { " (\($0))" } ?? ""))
    }
    static func duplicateKey(_ keys: [String], firstLine: Int?) -> Self {
        .init("key \(keys.map { "'\($0)'" }.joined(separator: ", ")) appears twice in the same mapping"
            + (firstLine.map { " (first at line \($0))" } ?? ""))
    }
    static var multipleDocuments: Self {
        .init("a pipeline file holds one YAML document (found '---' starting another)")
    }

    // Shape: keys and types

    static func unknownKey(_ key: String, known: [String]) -> Self {
        var text = "unknown key '\(key)' (known keys: \(known.joined(separator: ", ")))"
        if let suggestion = closest(to: key, among: known) { text += "; did you mean '\(suggestion)'?" }
        return .init(text)
    }
    static func missingKey(_ why: String) -> Self { .init("missing; \(why)") }
    static func wrongType(expected: String, found: String) -> Self { .init("expected \(expected), found \(found)") }
    static var keyNotAScalar: Self { .init("a key must be a plain name, not a list or mapping") }

    // Scalars

    static func notAnInteger(_ text: String) -> Self {
        .init("'\(text)' is not an integer (decimal or 0x hex, e.g. 1500, 0xff)")
    }
    static func outOfRange(_ value: Int, _ range: ClosedRange<Int>) -> Self {
        .init("\(value) is outside \(range.lowerBound)…\(range.upperBound)")
    }
    static func notABool(_ text: String) -> Self { .init("'\(text)' is not a boolean (true or false)") }
    static func notOneOf(_ text: String, _ choices: [String]) -> Self {
        .init("'\(text)' is not one of \(choices.joined(separator: ", "))")
    }
    static func notAPrefix(_ text: String) -> Self {
        .init("'\(text)' is not an address prefix (e.g. 10.0.0.0/8, 2001:db8::/32, default)")
    }
    static func notAnAddress(_ text: String) -> Self {
        .init("'\(text)' is not an IP address (e.g. 10.0.0.1, 2001:db8::1)")
    }
    static func notAnInterfaceAddress(_ text: String) -> Self {
        .init("'\(text)' is not an address with its prefix length (e.g. 10.0.0.1/24, 2001:db8::1/64)")
    }
    static func notAMACAddress(_ text: String) -> Self {
        .init("'\(text)' is not a MAC address (e.g. 02:00:00:00:00:01)")
    }
    static func multicastMAC(_ text: String) -> Self {
        .init("'\(text)' is a multicast address; a device's own address is unicast (first octet even)")
    }
    static func notHexBytes(_ text: String) -> Self {
        .init("'\(text)' is not hex bytes (an even number of hex digits, spaces or colons between, "
            + "e.g. \"0a 00 00 01\")")
    }
    static func ambiguousLeadingZero(_ text: String) -> Self {
        .init("'\(text)' is ambiguous: quote it for hex bytes (\"\(text)\") or drop the leading zeros for an integer")
    }
    static func integerTooWide(_ text: String, byteCount: Int) -> Self {
        .init("\(text) does not fit in \(byteCount) byte\(byteCount == 1 ? "" : "s")")
    }
    static func sizeMismatch(byteCount: Int, declared: Int, key: String) -> Self {
        .init("\(byteCount) byte\(byteCount == 1 ? "" : "s") given but \(key) is \(declared)")
    }
    static func emptyString(_ what: String) -> Self { .init("\(what) is empty") }

    // Devices, routes, rules

    static func notADeviceName(_ text: String) -> Self {
        .init("'\(text)' is not a device name (letters, digits, '-', '_', '.'; not starting with '.')")
    }
    static func duplicateDevice(_ name: String, firstLine: Int?) -> Self {
        .init("device '\(name)' is declared twice" + (firstLine.map { " (first at line \($0))" } ?? ""))
    }
    static func noSuchDevice(_ name: String, devices: [String]) -> Self {
        .init("no device '\(name)' (devices: \(devices.joined(separator: ", ")))")
    }
    static func notATable(_ text: String) -> Self { .init("'\(text)' is not a routing table (main, local or 1…252)") }
    static func gatewayVersion(_ gateway: IPAddress, prefix: IPPrefix) -> Self {
        .init("gateway \(gateway) is IPv\(gateway.version) but the route is for \(prefix) "
            + "(IPv\(prefix.address.version))")
    }
    static func duplicateRoute(_ prefix: IPPrefix, table: UInt32, firstLine: Int?, connectedOf device: String?)
        -> Self
    {
        let first = (device.map { "the connected route of device '\($0)'" } ?? "already declared")
            + (firstLine.map { " at line \($0)" } ?? "")
        return .init("route \(prefix) in table \(table) exists twice: \(first)")
    }
    static var maskGivenTwice: Self { .init("the mask is given twice: in 'fwmark: MARK/MASK' and as 'mask:'") }

    // Sockets and attachments

    static func duplicateSocket(_ name: String, firstLine: Int?) -> Self {
        .init("socket \(name) is declared twice" + (firstLine.map { " (first at line \($0))" } ?? ""))
    }
    static func echoNeedsUDP(_ transport: TransportProtocol) -> Self {
        .init("only UDP sockets echo (this one is \(transport))")
    }
    static func notLocal(_ address: IPAddress, local: [IPAddress]) -> Self {
        let list = local.isEmpty
            ? "no device has addresses" : "device addresses: \(local.map(\.description).joined(separator: ", "))"
        return .init("\(address) is not an address of any device, so bind() would fail (\(list))")
    }
    static func notWithFilter(_ key: String) -> Self {
        .init("'\(key)' belongs to a program file; a 'filter:' attachment is a tcpdump expression")
    }
    static func filterRejected(_ message: String, linkType: String) -> Self {
        .init("libpcap cannot compile this expression for \(linkType): \(message)")
    }
    static var attachSyntax: Self { .init("expected HOOK=PROG[:SECTION] (e.g. ingress=classifier.o:tc)") }
    static func notAHook(_ text: String) -> Self { .init("'\(text)' is not a hook (hooks: \(HookPoint.names))") }
    static func deviceNeedsDeviceHook(_ hook: HookPoint) -> Self {
        .init("'device' applies to the ingress and egress hooks, not \(hook)")
    }
    static func socketNeedsSocketHook(_ hook: HookPoint) -> Self {
        .init("'socket' applies to the socket hook, not \(hook)")
    }
    static func notASocketName(_ text: String) -> Self {
        .init("'\(text)' is not a socket name (e.g. udp/53, tcp/10.0.0.1:80, udp/[2001:db8::1]:53)")
    }
    static func noSuchSocket(_ name: String, sockets: [String]) -> Self {
        let list = sockets.isEmpty ? "no sockets are declared" : "sockets: \(sockets.joined(separator: ", "))"
        return .init("no socket \(name) (\(list))")
    }

    /// The known word nearest to `word` by edit distance, if it is close enough to be a typo.
    private static func closest(to word: String, among known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(Array(word.lowercased()), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(2, word.count / 3)) else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
