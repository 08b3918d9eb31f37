import BPFABI
import BPFISA
import BPFObject
import Foundation
import Testing

/// One program of one object, to link both ways.
struct LinkCase: CustomTestStringConvertible, Sendable {
    var objectName: String
    var section: String
    var function: String
    var testDescription: String { "\(objectName) \(section)/\(function)" }
}

/// The loader against `kernel_oracle.py`, the reference the differential tests trust: the
/// same program list, subprogram chunks, instruction bytes (map references compared by map
/// name and value offset, since the oracle patches file descriptors in later), maps, line and
/// function records.
@Suite(
    .enabled(if: KernelOracle.unavailableReason == nil, "\(KernelOracle.unavailableReason ?? "")"),
    .enabled(if: CompiledObjects.unavailableReason == nil, "\(CompiledObjects.unavailableReason ?? "")"))
struct OracleComparisonTests {
    /// The compiled sources, and the objects of Programs/build.
    static let objects: [String: (bytes: [UInt8], path: String)] = {
        var objects = [String: (bytes: [UInt8], path: String)]()
        for (name, source) in [
            ("mapsAndCalls", CSources.mapsAndCalls), ("globals", CSources.globals), ("allKinds", CSources.allKinds),
            ("progArray", CSources.progArray),
        ] {
            if let object = CompiledObjects.object(name, source) { objects[name] = object }
        }
        for name in ObjectFixtures.names {
            if let bytes = ObjectFixtures.bytes(name) {
                objects[name] = (bytes, ObjectFixtures.buildDirectory.appendingPathComponent(name).path)
            }
        }
        // SKBPF_EXTRA_OBJECTS=DIR adds every DIR/*.o, to compare other objects by hand.
        if let directory = ProcessInfo.processInfo.environment["SKBPF_EXTRA_OBJECTS"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names where name.hasSuffix(".o") {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                if let data = FileManager.default.contents(atPath: path) {
                    objects["extra/" + name] = ([UInt8](data), path)
                }
            }
        }
        return objects
    }()

    static let cases: [LinkCase] = objects.keys.sorted().flatMap { name -> [LinkCase] in
        guard let object = try? LoadedObject.load(bytes: objects[name]!.bytes) else { return [] }
        return object.programs.map { LinkCase(objectName: name, section: $0.sectionName, function: $0.name) }
    }

    @Test(arguments: objects.keys.sorted())
    func programListMatches(_ name: String) throws {
        let object = try #require(Self.objects[name])
        let loaded = try LoadedObject.load(bytes: object.bytes)
        let ours = loaded.programs.map { program -> [String] in
            let function = program.functions[0]
            return [
                program.sectionName, program.name, String(function.sectionOffset / 8), String(function.slots.count),
            ]
        }
        #expect(ours == (try KernelOracle.programs(object.path)))
    }

    @Test(arguments: cases)
    func linkedProgramMatches(_ link: LinkCase) throws {
        let object = try #require(Self.objects[link.objectName])
        let loaded = try LoadedObject.load(bytes: object.bytes)
        let program = try #require(loaded.programs.first { $0.sectionName == link.section && $0.name == link.function })
        let oracle = try KernelOracle.link(object.path, section: link.section, function: link.function)

        #expect(loaded.license == oracle.license)
        #expect(
            program.functions.map {
                KernelOracle.Linked.Chunk(
                    section: $0.sectionName, start: $0.sectionOffset / 8, count: $0.slots.count,
                    base: $0.slots.lowerBound)
            } == oracle.chunks)

        // Instructions: identical, except that where the oracle will patch a map fd (src 1 or 2)
        // we have a map index (src 5 or 6) naming the same map and value offset.
        var ours = program.program.encoded()
        let theirs = try #require(hexBytes(oracle.instructions))
        try #require(ours.count == theirs.count)
        for reference in oracle.references {
            let at = reference.byteOffset
            let source = ours[at + 1] >> 4
            let low = Int(ours.u32(at: at + 4))
            let high = ours.u32(at: at + 12)
            #expect(loaded.maps[low].name == reference.map, "lddw at byte \(at)")
            if let valueOffset = reference.valueOffset {
                #expect(source == LoadImmediateSource.mapIndexValue.rawValue && Int(high) == valueOffset)
            } else {
                #expect(source == LoadImmediateSource.mapIndex.rawValue && high == 0)
            }
            for index in at + 1..<at + 16 { ours[index] = theirs[index] }
        }
        #expect(ours == theirs)

        let maps = loaded.mapIndices(visibleTo: program).map { index -> KernelOracle.Linked.Map in
            let definition = loaded.maps[index].definition
            return .init(
                name: loaded.maps[index].name, type: definition.type.rawValue, key_size: definition.keySize,
                value_size: definition.valueSize, max_entries: definition.maxEntries, flags: definition.flags.rawValue)
        }
        // The oracle lists definitions as declared and fills them in when it creates the map:
        // perf event arrays get one entry per CPU and 4-byte keys and values there; a prog
        // array with `__array(values, …)` gets the value size 4 libbpf sets (the oracle's
        // creation would fail without it).
        let expected = oracle.maps.map { map -> KernelOracle.Linked.Map in
            var map = map
            if map.type == MapType.perfEventArray.rawValue {
                if map.max_entries == 0 { map.max_entries = 1 }
                if map.key_size == 0 { map.key_size = 4 }
                if map.value_size == 0 { map.value_size = 4 }
            }
            if map.type == MapType.progArray.rawValue && map.value_size == 0 { map.value_size = 4 }
            return map
        }
        #expect(maps == expected)

        let lines = program.program.lineTable.map { index, location in
            [program.program.slotIndex(ofInstruction: index), location.line, location.column]
        }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(lines == oracle.lines)
        #expect(loaded.btf == nil || !lines.isEmpty)
        let functions = program.functions.compactMap { function in
            function.btfTypeID.map { [function.slots.lowerBound, $0] }
        }
        #expect(functions == oracle.functions)
    }

    private func hexBytes(_ text: String) -> [UInt8]? {
        var bytes = [UInt8]()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
