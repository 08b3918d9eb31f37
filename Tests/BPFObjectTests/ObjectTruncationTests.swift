import BPFObject
import Testing

/// Damaged input never crashes the reader: it either reads or throws an `ObjectError`.
@Suite(
    .enabled(if: !ObjectFixtures.objects.isEmpty, "no objects in Programs/build and clang unavailable to build them"))
struct ObjectTruncationTests {
    /// Cut at every section's start and end, every section header and the header's end:
    /// clang puts the section header table last, so every cut must be refused.
    @Test(arguments: ObjectFixtures.names)
    func truncationAtEverySectionBoundaryIsRefused(_ name: String) throws {
        let bytes = try #require(ObjectFixtures.bytes(name))
        let elf = try ELFFile(bytes: bytes)
        var cuts: Set<Int> = [0, 1, 4, 16, 63, 64]
        for section in elf.sections {
            cuts.formUnion([section.headerOffset, section.headerOffset + 1, section.headerOffset + 63])
            if section.hasContents {
                cuts.formUnion([
                    Int(section.offset), Int(section.offset + section.size), Int(section.offset + section.size) - 1,
                ])
            }
        }
        for cut in cuts.sorted() where cut >= 0 && cut < bytes.count {
            #expect(throws: ObjectError.self, "\(name) cut at \(cut)") {
                _ = try BPFObjectFile(bytes: Array(bytes[0..<cut]))
            }
        }
    }

    @Test(arguments: ObjectFixtures.names)
    func truncationAtRandomOffsetsIsRefused(_ name: String) throws {
        let bytes = try #require(ObjectFixtures.bytes(name))
        var random = SeededRandom(seed: UInt64(bytes.count))
        for _ in 0..<500 {
            let cut = random.below(bytes.count)
            #expect(throws: ObjectError.self, "\(name) cut at \(cut)") {
                _ = try BPFObjectFile(bytes: Array(bytes[0..<cut]))
            }
        }
    }

    /// Random bytes overwritten in the header, the section header table and the symbol and
    /// relocation tables (where damage changes the structure), then anywhere.
    @Test(arguments: ObjectFixtures.names)
    func randomCorruptionNeverCrashes(_ name: String) throws {
        let pristine = try #require(ObjectFixtures.bytes(name))
        let elf = try ELFFile(bytes: pristine)
        var structural = [Range<Int>]()
        structural.append(0..<64)
        structural += elf.sections.map { $0.headerOffset..<$0.headerOffset + 64 }
        structural += elf.sections.filter {
            $0.type == ELFSection.typeSymbolTable || $0.type == ELFSection.typeRelocations
        }
        .map(\.fileRange)
        var random = SeededRandom(seed: 0xdead_beef ^ UInt64(pristine.count))
        var refused = 0
        var read = 0
        for round in 0..<3000 {
            var bytes = pristine
            for _ in 0..<(1 + random.below(4)) {
                let range = round % 3 == 2 ? 0..<bytes.count : structural[random.below(structural.count)]
                let at = range.lowerBound + random.below(range.count)
                bytes[at] =
                    random.below(4) == 0
                    ? [0x00, 0xff, 0x7f, 0x80][random.below(4)] : UInt8(truncatingIfNeeded: random.next())
            }
            do {
                let object = try BPFObjectFile(bytes: bytes)
                // Whatever was read must be self-consistent.
                for program in object.programs {
                    #expect(program.byteCount == program.program.slotCount * 8)
                }
                read += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(refused > 0)
        #expect(read + refused == 3000)
    }
}
