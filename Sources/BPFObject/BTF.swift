// The `.BTF` section: type information for maps, global variables and functions.
//
//   0 magic u16 = 0xeb9f   2 version u8 = 1   3 flags u8   4 hdr_len u32
//   8 type_off u32  12 type_len u32  16 str_off u32  20 str_len u32
//   [ header (hdr_len bytes) | ... type section at hdr_len + type_off ... | strings at hdr_len + str_off ]
//
// Every offset, length, record, name offset and type id is checked as the kernel's
// `btf_parse()` does (kernel/bpf/btf.c), so a damaged section is an `ObjectError` naming the
// type and byte offset, and the helpers below never trap on what was accepted.

/// Parsed BTF: every type, by id, and the string table.
public struct BTF: Hashable, Sendable {
    /// `BTF_MAGIC`, the first two bytes of `.BTF` and `.BTF.ext`.
    public static let magic: UInt16 = 0xeb9f
    static let headerByteCount = 24
    static let recordByteCount = 12
    /// libbpf's and the kernel's limit on chains of modifiers, typedefs and arrays.
    static let maximumResolveDepth = 32

    /// `version` (always 1).
    public var version: UInt8
    /// `flags` (none defined).
    public var flags: UInt8
    /// Every type; `types[0]` is `void`, `types[id]` has ``BTFType/id`` `id`.
    public var types: [BTFType]
    /// The string section (starts and ends with NUL).
    public var strings: [UInt8]

    /// Parses BTF data on its own (a `.BTF` section's contents); byte offsets in errors are
    /// relative to `bytes`.
    public init(bytes: [UInt8]) throws(ObjectError) {
        try self.init(file: bytes, range: bytes.indices)
    }

    /// Parses the BTF at `range` of `file`; byte offsets in errors are file offsets.
    init(file: [UInt8], range: Range<Int>) throws(ObjectError) {
        let base = range.lowerBound
        func fail(_ at: Int, entry: String? = nil, _ reason: ObjectError.Reason) -> ObjectError {
            ObjectError(entry: entry, byteOffset: base + at, reason)
        }
        guard range.count >= Self.headerByteCount else {
            throw fail(0, entry: "header", .btfTooShort(byteCount: range.count))
        }
        let magic = file.u16(at: base)
        guard magic == Self.magic else { throw fail(0, entry: "header", .btfBadMagic(magic)) }
        version = file.u8(at: base + 2)
        guard version == 1 else { throw fail(2, entry: "header", .btfBadVersion(version)) }
        flags = file.u8(at: base + 3)
        let headerLength = file.u32(at: base + 4)
        guard headerLength >= UInt32(Self.headerByteCount), UInt64(headerLength) <= UInt64(range.count) else {
            throw fail(4, entry: "header", .btfBadHeaderLength(headerLength, byteCount: range.count))
        }
        let body = Int(headerLength)
        func part(_ name: String, at field: Int) throws(ObjectError) -> Range<Int> {
            let offset = file.u32(at: base + field)
            let length = file.u32(at: base + field + 4)
            let available = range.count - body
            let end = UInt64(offset) + UInt64(length)
            guard end <= UInt64(available) else {
                throw fail(
                    field, entry: "header",
                    .btfPartOutOfRange(part: name, offset: offset, length: length, available: available))
            }
            return (body + Int(offset))..<(body + Int(end))
        }
        let typeRange = try part("type section", at: 8)
        let stringRange = try part("string section", at: 16)
        // libbpf's btf_parse_hdr(): types first, strings after them.
        guard typeRange.upperBound <= stringRange.lowerBound else {
            throw fail(
                8, entry: "header",
                .btfBadLayout(typeEnd: typeRange.upperBound - body, stringStart: stringRange.lowerBound - body))
        }
        guard (typeRange.lowerBound - body) % 4 == 0 else {
            throw fail(
                8, entry: "header",
                .btfPartMisaligned(part: "type section", offset: UInt32(typeRange.lowerBound - body)))
        }
        // The kernel's btf_parse_str_sec(): a non-empty table that starts and ends with NUL.
        guard !stringRange.isEmpty, file[base + stringRange.lowerBound] == 0,
            file[base + stringRange.upperBound - 1] == 0
        else { throw fail(16, entry: "header", .btfBadStringTable) }
        strings = Array(file[(base + stringRange.lowerBound)..<(base + stringRange.upperBound)])

        var parser = TypeParser(
            file: file, base: base, start: typeRange.lowerBound, end: typeRange.upperBound, strings: strings)
        types = try parser.parseAll()
        for type in types {
            for referenced in type.kind.referencedTypes where referenced < 0 || referenced >= types.count {
                throw fail(
                    type.recordOffset, entry: "type \(type.id) (\(type.kind.name))",
                    .btfTypeOutOfRange(referenced: referenced, count: types.count))
            }
        }
    }

    /// The NUL-terminated string at `offset` of the string section, if `offset` is inside it.
    public func string(at offset: Int) -> String? {
        guard offset >= 0, offset < strings.count else { return nil }
        let end = strings[offset...].firstIndex(of: 0) ?? strings.count
        return String(decoding: strings[offset..<end], as: UTF8.self)
    }

    /// The type with id `id`, if there is one.
    public func type(_ id: Int) -> BTFType? {
        id >= 0 && id < types.count ? types[id] : nil
    }

    /// The first type called `name` whose kind has number `kindNumber` (`BTF_KIND_*`).
    public func type(named name: String, kindNumber: Int) -> BTFType? {
        types.first { $0.kind.number == kindNumber && $0.name == name }
    }

    /// The DATASEC describing the ELF section `sectionName` (`.maps`, `.data`, `.rodata`).
    public func dataSection(named sectionName: String) -> BTFType? {
        type(named: sectionName, kindNumber: 15)
    }
}

/// Walks the type section record by record.
private struct TypeParser {
    let file: [UInt8]
    let base: Int
    var at: Int  // offset of the next record, relative to base
    let end: Int
    let strings: [UInt8]

    init(file: [UInt8], base: Int, start: Int, end: Int, strings: [UInt8]) {
        self.file = file
        self.base = base
        self.at = start
        self.end = end
        self.strings = strings
    }

    func fail(_ offset: Int, _ entry: String, _ reason: ObjectError.Reason) -> ObjectError {
        ObjectError(entry: entry, byteOffset: base + offset, reason)
    }

    func u32(_ offset: Int) -> UInt32 { file.u32(at: base + offset) }

    func name(_ offset: UInt32, field: Int, entry: String) throws(ObjectError) -> String {
        guard Int(offset) < strings.count else {
            throw fail(field, entry, .nameOutOfRange(offset: offset, tableSize: strings.count))
        }
        // The table ends with NUL (checked), so every offset inside it has a terminator.
        let start = Int(offset)
        let stop = strings[start...].firstIndex(of: 0) ?? strings.count
        return String(decoding: strings[start..<stop], as: UTF8.self)
    }

    mutating func parseAll() throws(ObjectError) -> [BTFType] {
        var types = [BTFType(id: 0, name: "", kind: .void, recordOffset: 0)]
        while at < end {
            types.append(try parseOne(id: types.count))
        }
        return types
    }

    private mutating func parseOne(id: Int) throws(ObjectError) -> BTFType {
        let record = at
        var entry = "type \(id)"
        guard end - record >= BTF.recordByteCount else {
            throw fail(
                record, entry, .btfTruncatedType(kind: nil, needed: BTF.recordByteCount, available: end - record))
        }
        let nameOffset = u32(record)
        let info = u32(record + 4)
        let sizeOrType = u32(record + 8)
        let vlen = Int(info & 0xffff)
        let kindNumber = Int((info >> 24) & 0x1f)
        let kindFlag = info >> 31 != 0
        guard kindNumber >= 1 && kindNumber <= 19 else { throw fail(record + 4, entry, .btfUnknownKind(kindNumber)) }
        entry += " (\(btfKindName(kindNumber)))"

        let extraByteCount: Int =
            switch kindNumber {
            case 1, 14, 17: 4
            case 3: 12
            case 4, 5, 15, 19: 12 * vlen
            case 6, 13: 8 * vlen
            default: 0
            }
        let data = record + BTF.recordByteCount
        guard end - data >= extraByteCount else {
            throw fail(
                record, entry,
                .btfTruncatedType(
                    kind: btfKindName(kindNumber), needed: BTF.recordByteCount + extraByteCount,
                    available: end - record))
        }
        at = data + extraByteCount
        let name = try self.name(nameOffset, field: record, entry: entry)
        let target = Int(sizeOrType)
        let size = Int(sizeOrType)

        let kind: BTFType.Kind
        switch kindNumber {
        case 1:
            let word = u32(data)
            kind = .integer(
                byteCount: size, encoding: BTFType.IntegerEncoding(rawValue: UInt8((word >> 24) & 0x0f)),
                bitOffset: Int((word >> 16) & 0xff), bitCount: Int(word & 0xff))
        case 2: kind = .pointer(to: target)
        case 3: kind = .array(element: Int(u32(data)), index: Int(u32(data + 4)), count: Int(u32(data + 8)))
        case 4, 5:
            var members = [BTFType.Member]()
            members.reserveCapacity(vlen)
            for index in 0..<vlen {
                let m = data + 12 * index
                let offset = u32(m + 8)
                members.append(
                    BTFType.Member(
                        name: try self.name(u32(m), field: m, entry: entry), type: Int(u32(m + 4)),
                        bitOffset: Int(kindFlag ? offset & 0xff_ffff : offset),
                        bitfieldSize: kindFlag ? Int(offset >> 24) : 0))
            }
            kind =
                kindNumber == 4
                ? .structure(byteCount: size, members: members) : .union(byteCount: size, members: members)
        case 6, 19:
            var values = [BTFType.Enumerator]()
            values.reserveCapacity(vlen)
            let stride = kindNumber == 6 ? 8 : 12
            for index in 0..<vlen {
                let e = data + stride * index
                let value: Int64
                if kindNumber == 6 {
                    let raw = u32(e + 4)
                    value = kindFlag ? Int64(Int32(bitPattern: raw)) : Int64(raw)
                } else {
                    value = Int64(bitPattern: UInt64(u32(e + 4)) | UInt64(u32(e + 8)) << 32)
                }
                values.append(BTFType.Enumerator(name: try self.name(u32(e), field: e, entry: entry), value: value))
            }
            kind =
                kindNumber == 6
                ? .enumeration(byteCount: size, isSigned: kindFlag, values: values)
                : .enumeration64(byteCount: size, isSigned: kindFlag, values: values)
        case 7: kind = .forward(isUnion: kindFlag)
        case 8: kind = .typedef(of: target)
        case 9: kind = .volatile(of: target)
        case 10: kind = .const(of: target)
        case 11: kind = .restrict(of: target)
        case 12: kind = .function(prototype: target, linkage: BTFType.Linkage(UInt32(vlen)))
        case 13:
            var parameters = [BTFType.Parameter]()
            parameters.reserveCapacity(vlen)
            for index in 0..<vlen {
                let p = data + 8 * index
                parameters.append(
                    BTFType.Parameter(name: try self.name(u32(p), field: p, entry: entry), type: Int(u32(p + 4))))
            }
            kind = .functionPrototype(returnType: target, parameters: parameters)
        case 14: kind = .variable(type: target, linkage: BTFType.Linkage(u32(data)))
        case 15:
            var variables = [BTFType.SectionVariable]()
            variables.reserveCapacity(vlen)
            for index in 0..<vlen {
                let v = data + 12 * index
                variables.append(
                    BTFType.SectionVariable(type: Int(u32(v)), offset: Int(u32(v + 4)), byteCount: Int(u32(v + 8))))
            }
            kind = .dataSection(byteCount: size, variables: variables)
        case 16: kind = .float(byteCount: size)
        case 17: kind = .declarationTag(type: target, componentIndex: Int(Int32(bitPattern: u32(data))))
        default: kind = .typeTag(of: target)  // 18; 1...19 checked above
        }
        return BTFType(id: id, name: name, kind: kind, recordOffset: record)
    }
}
