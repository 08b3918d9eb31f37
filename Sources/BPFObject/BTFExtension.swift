// The `.BTF.ext` section: per code section, function info (which BTF FUNC starts at which
// instruction) and line info (which source line an instruction comes from).
//
//   0 magic u16 = 0xeb9f  2 version u8  3 flags u8  4 hdr_len u32
//   8 func_info_off u32  12 func_info_len u32  16 line_info_off u32  20 line_info_len u32
//  [24 core_relo_off u32 28 core_relo_len u32]   (offsets count from the end of the header)
//
//   each info part: rec_size u32, then repeated { sec_name_off u32, num_info u32, records }
//   func_info record: insn_off u32 (bytes), type_id u32
//   line_info record: insn_off u32 (bytes), file_name_off u32, line_off u32,
//                     line_col u32 (line << 10 | column)
//
// Names are offsets into the `.BTF` string table. CO-RE relocations are not read: the
// programs skbpf runs use `__sk_buff`, whose layout is fixed UAPI.

/// Parsed `.BTF.ext`: function and line records by code section name, in record order.
public struct BTFExtension: Hashable, Sendable {
    /// `version` (always 1).
    public var version: UInt8
    /// `flags` (none defined).
    public var flags: UInt8
    /// `func_info` records, by section name (`tc`, `.text`).
    public var functionInfo: [String: [FunctionInfo]]
    /// `line_info` records, by section name.
    public var lineInfo: [String: [LineInfo]]

    /// A BTF FUNC starting at an instruction.
    public struct FunctionInfo: Hashable, Sendable {
        /// Byte offset of the instruction in its section (a multiple of 8).
        public var instructionOffset: Int
        /// The FUNC type.
        public var typeID: Int
        /// File (or data) offset of the record, for errors found later.
        public var recordOffset: Int
    }

    /// The source line an instruction comes from.
    public struct LineInfo: Hashable, Sendable {
        /// Byte offset of the instruction in its section (a multiple of 8).
        public var instructionOffset: Int
        /// The source file, as clang was given it.
        public var fileName: String
        /// The text of the source line.
        public var lineText: String
        /// 1-based line number (`line_col >> 10`).
        public var line: Int
        /// 1-based column, 0 when unknown (`line_col & 0x3ff`).
        public var column: Int
        /// File (or data) offset of the record, for errors found later.
        public var recordOffset: Int
    }

    /// Parses `.BTF.ext` data on its own; names are looked up in `btf`'s string table.
    public init(bytes: [UInt8], btf: BTF) throws(ObjectError) {
        try self.init(file: bytes, range: bytes.indices, btf: btf)
    }

    init(file: [UInt8], range: Range<Int>, btf: BTF) throws(ObjectError) {
        let base = range.lowerBound
        func fail(_ at: Int, _ entry: String, _ reason: ObjectError.Reason) -> ObjectError {
            ObjectError(entry: entry, byteOffset: at, reason)
        }
        guard range.count >= 24 else { throw fail(base, "header", .btfTooShort(byteCount: range.count)) }
        let magic = file.u16(at: base)
        guard magic == BTF.magic else { throw fail(base, "header", .btfBadMagic(magic)) }
        version = file.u8(at: base + 2)
        guard version == 1 else { throw fail(base + 2, "header", .btfBadVersion(version)) }
        flags = file.u8(at: base + 3)
        let headerLength = file.u32(at: base + 4)
        guard headerLength >= 24, UInt64(headerLength) <= UInt64(range.count) else {
            throw fail(base + 4, "header", .btfBadHeaderLength(headerLength, byteCount: range.count))
        }
        let body = base + Int(headerLength)

        func part(_ name: String, field: Int) throws(ObjectError) -> Range<Int> {
            let offset = file.u32(at: base + field)
            let length = file.u32(at: base + field + 4)
            let available = range.upperBound - body
            guard UInt64(offset) + UInt64(length) <= UInt64(available) else {
                throw fail(
                    base + field, "header",
                    .btfPartOutOfRange(part: name, offset: offset, length: length, available: available))
            }
            guard offset % 4 == 0 else {
                throw fail(base + field, "header", .btfPartMisaligned(part: name, offset: offset))
            }
            return (body + Int(offset))..<(body + Int(offset) + Int(length))
        }
        let functionPart = try part("func_info", field: 8)
        let linePart = try part("line_info", field: 16)

        var functions = [String: [FunctionInfo]]()
        try Self.walk(file, functionPart, part: "func_info", minimumRecordSize: 8, btf: btf) {
            (section, at, entry) throws(ObjectError) in
            let offset = file.u32(at: at)
            guard offset % 8 == 0 else { throw fail(at, entry, .btfInstructionOffsetNotAligned(offset)) }
            let typeID = Int(file.u32(at: at + 4))
            guard let type = btf.type(typeID), case .function = type.kind else {
                let kind = btf.type(typeID)?.kind.name
                throw fail(at + 4, entry, .btfFunctionInfoNotFunction(typeID: typeID, kind: kind))
            }
            functions[section, default: []].append(
                FunctionInfo(instructionOffset: Int(offset), typeID: typeID, recordOffset: at))
        }

        var lines = [String: [LineInfo]]()
        try Self.walk(file, linePart, part: "line_info", minimumRecordSize: 16, btf: btf) {
            (section, at, entry) throws(ObjectError) in
            let offset = file.u32(at: at)
            guard offset % 8 == 0 else { throw fail(at, entry, .btfInstructionOffsetNotAligned(offset)) }
            func string(_ field: Int) throws(ObjectError) -> String {
                let nameOffset = file.u32(at: at + field)
                guard let text = btf.string(at: Int(nameOffset)) else {
                    throw fail(at + field, entry, .nameOutOfRange(offset: nameOffset, tableSize: btf.strings.count))
                }
                return text
            }
            let lineColumn = file.u32(at: at + 12)
            lines[section, default: []].append(
                LineInfo(
                    instructionOffset: Int(offset), fileName: try string(4), lineText: try string(8),
                    line: Int(lineColumn >> 10), column: Int(lineColumn & 0x3ff), recordOffset: at))
        }
        functionInfo = functions
        lineInfo = lines
    }

    /// Calls `record` with the section name, file offset and entry label of every record of
    /// one info part, after checking the record size and that every record fits.
    private static func walk(
        _ file: [UInt8], _ range: Range<Int>, part: String, minimumRecordSize: Int, btf: BTF,
        _ record: (String, Int, String) throws(ObjectError) -> Void
    ) throws(ObjectError) {
        guard !range.isEmpty else { return }
        func fail(_ at: Int, _ entry: String, _ reason: ObjectError.Reason) -> ObjectError {
            ObjectError(entry: entry, byteOffset: at, reason)
        }
        guard range.count >= 4 else {
            throw fail(
                range.lowerBound, part, .btfTruncatedRecord(what: "record size", needed: 4, available: range.count))
        }
        let recordSize = Int(file.u32(at: range.lowerBound))
        guard recordSize >= minimumRecordSize, recordSize % 4 == 0 else {
            throw fail(
                range.lowerBound, part, .btfBadRecordSize(part: part, size: recordSize, minimum: minimumRecordSize))
        }
        var at = range.lowerBound + 4
        while at < range.upperBound {
            guard range.upperBound - at >= 8 else {
                throw fail(
                    at, part, .btfTruncatedRecord(what: "section header", needed: 8, available: range.upperBound - at))
            }
            let nameOffset = file.u32(at: at)
            guard let section = btf.string(at: Int(nameOffset)) else {
                throw fail(at, part, .nameOutOfRange(offset: nameOffset, tableSize: btf.strings.count))
            }
            let count = Int(file.u32(at: at + 4))
            guard count > 0 else { throw fail(at + 4, "\(part) for \(section)", .btfEmptyInfoSection(part: part)) }
            at += 8
            let needed = UInt64(count) * UInt64(recordSize)
            guard needed <= UInt64(range.upperBound - at) else {
                throw fail(
                    at, "\(part) for \(section)",
                    .btfTruncatedRecord(
                        what: "\(count) records of \(recordSize) bytes", needed: Int(clamping: needed),
                        available: range.upperBound - at))
            }
            for index in 0..<count {
                try record(section, at, "\(part) for \(section), record \(index)")
                at += recordSize
            }
        }
    }
}
