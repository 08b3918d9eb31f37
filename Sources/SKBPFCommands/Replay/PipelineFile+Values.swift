import Datapath
import Yams

// Walking Yams' node tree by hand rather than through Codable: every value keeps its key path
// and its mark, so that any error, from a wrong type to a route naming no device, says the
// line. Scalars are read from their text as written (`scalar.string`), never from Yams' YAML 1.1
// resolution: that would read the MAC address 12:34:56:… as a base-60 integer.

/// A value of the pipeline file with its place in it.
struct PipelineValue {
    var node: Node
    /// `routes[2].prefix`.
    var keyPath: String
    /// The file, for messages.
    var path: String

    var line: Int? { node.mark?.line }

    func error(_ message: PipelineFileError.Message) -> PipelineFileError {
        PipelineFileError(path: path, line: node.mark?.line, column: node.mark?.column, keyPath: keyPath,
                          message: message)
    }

    /// `~`, `null` or nothing after the colon, written plain: the key counts as absent.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How the value reads in "expected …, found …".
    var kindForMessage: String {
        switch node {
        case .scalar(let scalar): isNull ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping (key: value)"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Structure

    /// The text of a scalar (quoted or not); anything else is a type error naming `expected`.
    func scalar(_ expected: String = "a value") throws(PipelineFileError) -> String {
        guard case .scalar(let scalar) = node, !isNull else {
            throw error(.wrongType(expected: expected, found: kindForMessage))
        }
        return scalar.string
    }

    /// Whether the scalar was quoted (or a block scalar): how map keys tell hex bytes from integers.
    var isQuoted: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style != .plain && scalar.style != .any
    }

    func list(_ expected: String = "a list") throws(PipelineFileError) -> [PipelineValue] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType(expected: expected, found: kindForMessage))
        }
        return sequence.enumerated().map {
            PipelineValue(node: $0.element, keyPath: "\(keyPath)[\($0.offset)]", path: path)
        }
    }

    /// The mapping's entries; a key not in `known` is an error listing the known keys.
    func mapping(known: [String], _ expected: String = "a mapping (key: value)")
        throws(PipelineFileError) -> PipelineMapping
    {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType(expected: expected, found: kindForMessage))
        }
        var entries: [String: PipelineValue] = [:]
        for (keyNode, valueNode) in mapping {
            let keyPlace = PipelineValue(node: keyNode, keyPath: keyPath, path: path)
            guard case .scalar(let keyScalar) = keyNode else { throw keyPlace.error(.keyNotAScalar) }
            let key = keyScalar.string
            let child = PipelineValue(node: valueNode, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)", path: path)
            guard known.contains(key) else {
                let place = PipelineValue(node: keyNode, keyPath: child.keyPath, path: path)
                throw place.error(.unknownKey(key, known: known))
            }
            entries[key] = child
        }
        return PipelineMapping(value: self, entries: entries)
    }

    // MARK: Scalars

    /// An integer in `range`: decimal or `0x` hex, `_` allowed between digits (`212_992`).
    func integer(in range: ClosedRange<Int>) throws(PipelineFileError) -> Int {
        let text = try scalar("an integer")
        guard let value = Self.parseInteger(text) else { throw error(.notAnInteger(text)) }
        guard range.contains(value) else { throw error(.outOfRange(value, range)) }
        return value
    }

    func uint32() throws(PipelineFileError) -> UInt32 { UInt32(try integer(in: 0...Int(UInt32.max))) }

    func bool() throws(PipelineFileError) -> Bool {
        let text = try scalar("true or false")
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.notABool(text))
        }
    }

    /// A non-empty string.
    func string(_ what: String) throws(PipelineFileError) -> String {
        let text = try scalar(what)
        guard !text.isEmpty else { throw error(.emptyString(what)) }
        return text
    }

    /// One of `choices`, as written (case-sensitive, as the file's other words).
    func choice(_ choices: [String]) throws(PipelineFileError) -> String {
        let text = try scalar(choices.joined(separator: " or "))
        guard choices.contains(text) else { throw error(.notOneOf(text, choices)) }
        return text
    }

    func prefix() throws(PipelineFileError) -> IPPrefix {
        let text = try scalar("an address prefix")
        guard let prefix = IPPrefix(text) else { throw error(.notAPrefix(text)) }
        return prefix
    }

    /// `10.0.0.1/24` as a device address: the host address and its (masked) prefix. A bare
    /// address is a host prefix.
    func interfaceAddress() throws(PipelineFileError) -> (address: IPAddress, prefix: IPPrefix) {
        let text = try scalar("an address with its prefix length")
        guard let address = IPAddress(text.prefix { $0 != "/" }), let prefix = IPPrefix(text) else {
            throw error(.notAnInterfaceAddress(text))
        }
        return (address, prefix)
    }

    func address() throws(PipelineFileError) -> IPAddress {
        let text = try scalar("an IP address")
        guard let address = IPAddress(text) else { throw error(.notAnAddress(text)) }
        return address
    }

    /// `aa:bb:cc:dd:ee:ff` (or with `-`) as the 48 bits in a UInt64, first octet highest.
    func macAddress() throws(PipelineFileError) -> UInt64 {
        let text = try scalar("a MAC address")
        guard let value = Self.parseMACAddress(text) else { throw error(.notAMACAddress(text)) }
        return value
    }

    /// A routing table: `main`, `local` or 1…252 (the ids iproute2 leaves to users).
    func table() throws(PipelineFileError) -> UInt32 {
        let text = try scalar("a routing table")
        switch text {
        case "main": return RouteTable.mainTable
        case "local": return RouteTable.localTable
        default:
            guard let id = Self.parseInteger(text), (1...252).contains(id) else { throw error(.notATable(text)) }
            return UInt32(id)
        }
    }

    // MARK: Text parsers

    static func parseInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        var isNegative = false
        if digits.first == "-" || digits.first == "+" {
            isNegative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        // `_` only between digits, as YAML and Swift literals allow it.
        guard !digits.isEmpty, digits.first != "_", digits.last != "_", !digits.contains("__"),
              digits.allSatisfy({ $0.isASCII && ($0 == "_" || $0.isHexDigit) }),
              let magnitude = Int(String(digits.filter { $0 != "_" }), radix: radix)
        else { return nil }
        return isNegative ? -magnitude : magnitude
    }

    static func parseMACAddress(_ text: String) -> UInt64? {
        let separator: Character = text.contains("-") ? "-" : ":"
        let octets = text.split(separator: separator, omittingEmptySubsequences: false)
        guard octets.count == 6 else { return nil }
        var value: UInt64 = 0
        for octet in octets {
            guard (1...2).contains(octet.count), octet.allSatisfy(\.isASCII), let byte = UInt8(octet, radix: 16) else {
                return nil
            }
            value = value << 8 | UInt64(byte)
        }
        return value
    }

    /// `"0a 00 00 01"`, `"0a:00:00:01"`, `"0a000001"`: bytes in the order written.
    static func parseHexBytes(_ text: String) -> [UInt8]? {
        let digits = text.filter { $0 != " " && $0 != ":" && $0 != "\t" }
        guard !digits.isEmpty, digits.count.isMultiple(of: 2), digits.allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return nil }
        let characters = Array(digits)
        return stride(from: 0, to: characters.count, by: 2).map { UInt8(String(characters[$0...$0 + 1]), radix: 16)! }
    }
}

/// A mapping of the file: its entries by key, each a ``PipelineValue``.
struct PipelineMapping {
    var value: PipelineValue
    var entries: [String: PipelineValue]

    /// The value of `key`, or nil when it is absent or null.
    subscript(_ key: String) -> PipelineValue? {
        guard let entry = entries[key], !entry.isNull else { return nil }
        return entry
    }

    /// The value of `key`; absent or null is an error at the mapping's line saying `why` it is needed.
    func required(_ key: String, _ why: String) throws(PipelineFileError) -> PipelineValue {
        if let entry = self[key] { return entry }
        let keyPath = value.keyPath.isEmpty ? key : "\(value.keyPath).\(key)"
        throw PipelineValue(node: entries[key]?.node ?? value.node, keyPath: keyPath, path: value.path)
            .error(.missingKey(why))
    }
}
