import BPFObject
import Testing

/// BTF built by hand: the parser on its own, and resolution on shapes clang never emits.
@Suite struct BTFTests {
    /// `.BTF` bytes: the 24-byte header, `types` (already encoded), then `strings`.
    static func blob(types: [UInt32], strings: String) -> [UInt8] {
        var bytes = [UInt8]()
        func word(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        let stringBytes = [0] + Array(strings.utf8) + [0]
        bytes += [0x9f, 0xeb, 1, 0]
        word(24)
        word(0)
        word(UInt32(types.count * 4))
        word(UInt32(types.count * 4))
        word(UInt32(stringBytes.count))
        types.forEach(word)
        return bytes + stringBytes
    }

    static func info(kind: UInt32, vlen: UInt32 = 0, kindFlag: Bool = false) -> UInt32 {
        kind << 24 | vlen | (kindFlag ? 1 << 31 : 0)
    }

    @Test func parsesAndResolvesAHandBuiltBlob() throws {
        // 1: int "u32" (4 bytes, 32 bits)   2: typedef "count" -> 1   3: const -> 2
        // 4: array of 5 x 3                 5: ptr -> 4
        let btf = try BTF(
            bytes: Self.blob(
                types: [
                    1, Self.info(kind: 1), 4, 32,
                    5, Self.info(kind: 8), 1,
                    0, Self.info(kind: 10), 2,
                    0, Self.info(kind: 3), 0, 3, 1, 5,
                    0, Self.info(kind: 2), 4,
                ],
                strings: "u32\0count"))
        #expect(btf.types.count == 6)
        #expect(btf.types[1].name == "u32" && btf.types[2].name == "count")
        #expect(btf.types[4].kind == .array(element: 3, index: 1, count: 5))
        #expect(btf.size(of: 4) == 20)
        #expect(btf.size(of: 5) == 8)
        #expect(btf.skippingModifiers(3) == 2)
        #expect(btf.skippingModifiersAndTypedefs(3) == 1)
        #expect(btf.typeDescription(5) == "const count[5] *")
        #expect(btf.types[5].recordOffset == 24 + 4 * 16)
        #expect(btf.string(at: 1) == "u32" && btf.string(at: 100) == nil)
    }

    /// A typedef chain that loops (damage no compiler makes) resolves to nothing, quickly.
    @Test func cyclesResolveToNil() throws {
        let btf = try BTF(
            bytes: Self.blob(
                types: [0, Self.info(kind: 8), 2, 0, Self.info(kind: 9), 1, 0, Self.info(kind: 3), 0, 3, 1, 2],
                strings: ""))
        #expect(btf.skippingModifiersAndTypedefs(1) == nil)
        #expect(btf.size(of: 1) == nil)
        #expect(btf.size(of: 3) == nil)
        #expect(btf.skippingModifiers(1) == 1)  // a typedef is not a modifier
    }

    @Test func errorsAreRelativeToTheBlob() {
        var bytes = Self.blob(types: [0, Self.info(kind: 2), 7], strings: "")
        #expect(throws: ObjectError(entry: "type 1 (PTR)", byteOffset: 24, .btfTypeOutOfRange(referenced: 7, count: 2)))
        {
            _ = try BTF(bytes: bytes)
        }
        bytes[31] = 0x1f  // kind 31 (bits 24-28 of the info word at 28)
        #expect(throws: ObjectError(entry: "type 1", byteOffset: 28, .btfUnknownKind(31))) { _ = try BTF(bytes: bytes) }
        #expect(throws: ObjectError(entry: "header", byteOffset: 0, .btfTooShort(byteCount: 23))) {
            _ = try BTF(bytes: Array(bytes.prefix(23)))
        }
    }

    @Test func mapNamesAreCutAndCleanedLikeTheKernelStoresThem() {
        #expect(ObjectMap.kernelName("flow_counters_by_port") == "flow_counters_b")
        #expect(ObjectMap.kernelName(".rodata.str1.1") == ".rodata.str1.1")
        #expect(ObjectMap.kernelName("a-b c") == "a_b_c")
    }
}
