// `llvm-objdump -d` output pasted verbatim reads as LLVM-dialect assembly. Its decoration is
// recognized per line and taken off before lexing:
//
//   t.o:	file format elf64-bpf                                  ignored
//   Disassembly of section tc:                                  ignored
//   0000000000000000 <prog>:                                    function header: a label
//          4:	18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00	r1 = 0x0 ll
//   ~~~~~~~~~~  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//   slot number  raw bytes (kept: they settle what the text leaves out, see LLVMSyntaxParser)
//   		0000000000000020:  R_BPF_64_64	my_map                  relocation (-r): ignored
//         19:	if r0 == r2 goto +0x0 <prog+0xa0>                  jump annotation: dropped
//          0: (b7) r1 = 0                                         kernel verifier log: opcode dropped

/// One line of LLVM-dialect input after objdump's decoration is removed.
enum ObjdumpLine {
    /// A line with nothing to assemble (file header, section banner, relocation).
    case ignored
    /// `0000000000000000 <name>:`.
    case functionHeader(name: String)
    /// The statement text in bytes `start..<end`, and the instruction bytes objdump printed before it.
    case statement(start: Int, end: Int, rawBytes: [UInt8]?)

    static func classify(_ line: AssemblySourceLine) -> ObjdumpLine {
        let bytes = line.bytes
        var index = skipSpaces(bytes, 0)
        let rest = bytes[index...]
        if rest.starts(with: "Disassembly of section ".utf8) { return .ignored }
        if let header = functionHeader(bytes, from: index) { return .functionHeader(name: header) }
        if isFileHeader(bytes, from: index) || isRelocation(bytes, from: index) { return .ignored }

        // Slot number: digits, ':', then whitespace.
        var probe = index
        while probe < bytes.count, AssemblyLexer.isDigit(bytes[probe]) { probe += 1 }
        if probe > index, probe < bytes.count, bytes[probe] == UInt8(ascii: ":"),
            probe + 1 == bytes.count || AssemblyLexer.isSpace(bytes[probe + 1])
        {
            index = skipSpaces(bytes, probe + 1)
            // Kernel verifier logs put the opcode in parentheses: `0: (b7) r1 = 0`.
            if index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "("), bytes[index + 3] == UInt8(ascii: ")"),
                AssemblyLexer.isHexDigit(bytes[index + 1]), AssemblyLexer.isHexDigit(bytes[index + 2])
            {
                index = skipSpaces(bytes, index + 4)
            }
        }
        var rawBytes: [UInt8]?
        if let (raw, after) = rawInstructionBytes(bytes, from: index) {
            rawBytes = raw
            index = after
        }
        var end = bytes.count
        end = annotationStart(bytes, from: index, end: end) ?? end
        return .statement(start: index, end: end, rawBytes: rawBytes)
    }

    private static func skipSpaces(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, AssemblyLexer.isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// `0000000000000000 <name>:` (8 or more hex digits).
    private static func functionHeader(_ bytes: [UInt8], from start: Int) -> String? {
        var index = start
        while index < bytes.count, AssemblyLexer.isHexDigit(bytes[index]) { index += 1 }
        guard index - start >= 8, index + 1 < bytes.count, bytes[index] == UInt8(ascii: " "),
            bytes[index + 1] == UInt8(ascii: "<")
        else { return nil }
        var last = bytes.count
        while last > index, AssemblyLexer.isSpace(bytes[last - 1]) { last -= 1 }
        guard last - index >= 4, bytes[last - 1] == UInt8(ascii: ":"), bytes[last - 2] == UInt8(ascii: ">") else {
            return nil
        }
        return String(decoding: bytes[(index + 2)..<(last - 2)], as: UTF8.self)
    }

    /// `name.o:	file format elf64-bpf`.
    private static func isFileHeader(_ bytes: [UInt8], from start: Int) -> Bool {
        let marker = Array(":\tfile format ".utf8)
        let spaced = Array(": file format ".utf8)
        guard bytes.count - start > marker.count else { return false }
        for index in start...(bytes.count - marker.count) {
            let window = bytes[index..<(index + marker.count)]
            if window.elementsEqual(marker) || window.elementsEqual(spaced) { return true }
        }
        return false
    }

    /// `0000000000000020:  R_BPF_64_64	my_map`.
    private static func isRelocation(_ bytes: [UInt8], from start: Int) -> Bool {
        var index = start
        while index < bytes.count, AssemblyLexer.isHexDigit(bytes[index]) { index += 1 }
        guard index > start, index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
        index = skipSpaces(bytes, index + 1)
        return bytes[index...].starts(with: "R_".utf8)
    }

    /// objdump's raw bytes: 8 or 16 two-digit hex pairs separated by single spaces, then
    /// whitespace. No instruction text starts like that, so the test is unambiguous.
    private static func rawInstructionBytes(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int)? {
        var values: [UInt8] = []
        var index = start
        while index + 2 <= bytes.count, AssemblyLexer.isHexDigit(bytes[index]),
            AssemblyLexer.isHexDigit(bytes[index + 1]),
            index + 2 == bytes.count || AssemblyLexer.isSpace(bytes[index + 2])
        {
            values.append(hexValue(bytes[index]) << 4 | hexValue(bytes[index + 1]))
            index += 2
            guard index < bytes.count, bytes[index] == UInt8(ascii: " ") else { break }
            if index + 1 < bytes.count, !AssemblyLexer.isHexDigit(bytes[index + 1]) { break }
            index += 1
        }
        guard values.count == 8 || values.count == 16 else { return nil }
        return (values, skipSpaces(bytes, index))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        AssemblyLexer.isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
    }

    /// The start of a trailing ` <symbol+0x10>` jump annotation, if the statement has one.
    private static func annotationStart(_ bytes: [UInt8], from start: Int, end: Int) -> Int? {
        var last = end
        while last > start, AssemblyLexer.isSpace(bytes[last - 1]) { last -= 1 }
        guard last > start, bytes[last - 1] == UInt8(ascii: ">") else { return nil }
        var open = last - 1
        while open > start, bytes[open] != UInt8(ascii: "<") {
            if AssemblyLexer.isSpace(bytes[open]) { return nil }
            open -= 1
        }
        guard open > start, bytes[open] == UInt8(ascii: "<"), AssemblyLexer.isSpace(bytes[open - 1]) else { return nil }
        return open
    }
}
