public import BPFABI

/// One map's contents as `kernel_oracle.py run --dump-maps` reports them, field for field.
///
/// ```
///   {"type": 1, "key_size": 4, "value_size": 8, "entries": [{"key": "0a000001", "value": "0500000000000000"}]}
///   per-CPU:  {"key": "00000000", "value": null, "per_cpu": ["01000000", "00000000"]}
///   empty program array slot:  {"key": "00000000", "value": null}
///   ring buffer, perf event array:  {"type": 27, "entries": null}
/// ```
/// Entries come in `BPF_MAP_GET_NEXT_KEY` order (arrays by index, hash maps by bucket). The
/// kernel's hash maps use a random hash seed unless created with `BPF_F_ZERO_SEED`, so compare
/// hash map entries as a set, or in order only for zero-seed maps. Per-CPU values have one
/// `value_size` string per CPU of the set: compare with the machine's possible CPUs.
public struct MapDump: Sendable, Hashable {
    /// One element.
    public struct Entry: Sendable, Hashable {
        /// The key's bytes.
        public var key: [UInt8]
        /// The value; nil for per-CPU maps (see ``perCPUValues``) and empty program array slots.
        public var value: [UInt8]?
        /// Each CPU's `value_size` bytes, for per-CPU maps.
        public var perCPUValues: [[UInt8]]?

        /// An element as the dump lists it.
        public init(key: [UInt8], value: [UInt8]?, perCPUValues: [[UInt8]]? = nil) {
            self.key = key
            self.value = value
            self.perCPUValues = perCPUValues
        }
    }

    /// The map's name, the key of its object in the dump.
    public var name: String
    /// `map_type`, dumped as its number.
    public var type: MapType
    /// nil for maps the kernel cannot list (ring buffer, perf event array): the dump then has
    /// only `type` and `"entries": null`.
    public var keySize: Int?
    /// `value_size`; nil when ``keySize`` is.
    public var valueSize: Int?
    /// The elements; nil when ``keySize`` is.
    public var entries: [Entry]?

    /// A dump from its parts.
    public init(name: String, type: MapType, keySize: Int?, valueSize: Int?, entries: [Entry]?) {
        self.name = name
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.entries = entries
    }

    /// How many elements the kernel oracle lists at most per map.
    public static let entryLimit = 100_000

    /// The map's dump as ``MapSet/dump()`` builds it.
    public init(_ map: BPFMap) {
        name = map.name
        type = map.type
        guard map.isListable, map.keySize > 0 else {
            keySize = nil
            valueSize = nil
            entries = nil
            return
        }
        keySize = map.keySize
        valueSize = map.valueSize
        let isPerCPU = map.type.isPerCPU
        entries = map.entries(limit: Self.entryLimit).map { entry in
            guard isPerCPU, let value = entry.value else { return Entry(key: entry.key, value: entry.value) }
            return Entry(key: entry.key, value: nil, perCPUValues: map.perCPUValues(value))
        }
    }

    /// The JSON object, in Python's `json.dumps` spelling (`", "` and `": "` separators), with the
    /// oracle's key order.
    public var json: String {
        var text = "{\"type\": \(type.rawValue)"
        guard let entries, let keySize, let valueSize else { return text + ", \"entries\": null}" }
        text += ", \"key_size\": \(keySize), \"value_size\": \(valueSize), \"entries\": ["
        for (i, entry) in entries.enumerated() {
            if i > 0 { text += ", " }
            text += "{\"key\": \"\(HexBytes.encode(entry.key))\", \"value\": "
            text += entry.value.map { "\"\(HexBytes.encode($0))\"" } ?? "null"
            if let perCPU = entry.perCPUValues {
                text += ", \"per_cpu\": [" + perCPU.map { "\"\(HexBytes.encode($0))\"" }.joined(separator: ", ") + "]"
            }
            text += "}"
        }
        return text + "]}"
    }

    /// `s` as a JSON string literal.
    static func quoted(_ s: String) -> String {
        var text = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value > 0x7e:
                if scalar.value > 0xffff {
                    // Python escapes non-ASCII as UTF-16 code units.
                    let v = scalar.value - 0x10000
                    text += hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff))
                } else {
                    text += hex4(scalar.value)
                }
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
