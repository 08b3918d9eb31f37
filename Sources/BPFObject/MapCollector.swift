import BPFABI

// Collects an object's maps in libbpf's order (`bpf_object__init_maps()`): legacy `maps`
// definitions by symbol offset, then the `.maps` DATASEC's variables in BTF order, then one
// array per non-empty global data section in section order.
//
//   legacy:  struct bpf_map_def { u32 type, key_size, value_size, max_entries, map_flags; }
//            one per symbol of `maps`; size = section size / symbol count (libbpf's rule);
//            shorter definitions are zero-extended, longer ones (iproute2's bpf_elf_map)
//            contribute their first 20 bytes.
//   BTF:     struct { __uint(type, T); __type(key, K); ... } name SEC(".maps");
//            __uint(a, N) is `int (*a)[N]`: a pointer to an array whose element count is N;
//            __type(a, T) is `T *a`: the size of T gives the key/value size.
//   data:    key 4 bytes, value = the section (initial bytes unless NOBITS), max_entries 1;
//            `.rodata*` read-only for programs (BPF_F_RDONLY_PROG) and frozen.

/// A map's place: its section and byte offset there.
struct SectionOffset: Hashable {
    var section: Int
    var offset: Int64
}

/// The maps of an object, and how relocations find them.
struct MapTable {
    var maps: [ObjectMap] = []
    /// Legacy and BTF definitions by their symbol's place.
    var definitions: [SectionOffset: Int] = [:]
    /// Global data maps by section index.
    var dataSections: [Int: Int] = [:]
    /// BTF maps with a `values` member: byte offset of the member in the definition.
    var valuesOffsets: [Int: Int] = [:]
}

struct MapCollector {
    let file: BPFObjectFile
    let btf: BTF?
    let cpuCount: Int

    /// Attributes read as integers from `__uint()` members (libbpf's `parse_btf_map_def()`).
    static let integerAttributes: Set<String> = [
        "type", "max_entries", "key_size", "value_size", "map_flags", "numa_node", "pinning", "map_extra",
    ]

    func collect() throws(ObjectError) -> MapTable {
        var table = MapTable()
        try collectLegacy(into: &table)
        try collectBTF(into: &table)
        try collectData(into: &table)
        try collectProgramSlots(into: &table)
        return table
    }

    // MARK: Legacy `maps`

    private func collectLegacy(into table: inout MapTable) throws(ObjectError) {
        guard let section = file.elf.sections.first(where: { $0.name == "maps" && $0.hasContents }),
            section.size > 0
        else { return }
        let symbols = file.symbols.filter {
            Int($0.sectionIndex) == section.index && !$0.name.isEmpty
                && ($0.type == ELFSymbol.typeObject || $0.type == ELFSymbol.typeNone)
        }.sorted { ($0.value, $0.index) < ($1.value, $1.index) }
        guard !symbols.isEmpty else { return }
        let sectionSize = Int(section.size)
        guard sectionSize % symbols.count == 0 else {
            throw ObjectError(
                byteOffset: section.headerOffset + 32,
                .legacyMapsSizeNotMultiple(byteCount: sectionSize, mapCount: symbols.count)
            ).located(in: section)
        }
        let definitionSize = sectionSize / symbols.count
        for symbol in symbols {
            let entry = "map \(symbol.name)"
            guard symbol.value <= section.size, UInt64(definitionSize) <= section.size - symbol.value else {
                throw ObjectError(
                    byteOffset: symbol.entryOffset,
                    .mapDefinitionOutOfSection(map: symbol.name, offset: symbol.value, sectionSize: sectionSize)
                ).located(in: section, entry: entry)
            }
            let start = section.fileRange.lowerBound + Int(symbol.value)
            var fields = [UInt32](repeating: 0, count: 5)
            for index in 0..<min(5, definitionSize / 4) { fields[index] = file.elf.bytes.u32(at: start + 4 * index) }
            let map = try makeMap(
                name: symbol.name, rawType: fields[0], keySize: fields[1], valueSize: fields[2],
                maxEntries: fields[3], flags: fields[4], origin: .legacy, section: section,
                sectionOffset: Int(symbol.value), byteOffset: start)
            table.definitions[SectionOffset(section: section.index, offset: Int64(symbol.value))] = table.maps.count
            table.maps.append(map)
        }
    }

    // MARK: BTF `.maps`

    private func collectBTF(into table: inout MapTable) throws(ObjectError) {
        guard let section = file.elf.sections.first(where: { $0.name == ".maps" }), section.size > 0 else { return }
        let contents = section.fileRange.lowerBound
        guard let btf else {
            throw ObjectError(byteOffset: contents, .btfMissing(neededBy: ".maps")).located(in: section)
        }
        guard let dataSection = btf.dataSection(named: ".maps"),
            case .dataSection(_, let variables) = dataSection.kind
        else { throw ObjectError(byteOffset: contents, .btfNoDataSection(".maps")).located(in: section) }
        for variable in variables {
            guard let type = btf.type(variable.type), case .variable(let definitionType, _) = type.kind else {
                throw ObjectError(
                    entry: "DATASEC .maps", byteOffset: contents,
                    .mapNotVariable(kind: btf.type(variable.type)?.kind.name ?? "missing type")
                ).located(in: section)
            }
            let name = type.name
            guard let symbol = file.symbols.first(where: { Int($0.sectionIndex) == section.index && $0.name == name })
            else {
                throw ObjectError(entry: "map \(name)", byteOffset: contents, .mapWithoutSymbol(map: name))
                    .located(in: section)
            }
            let byteOffset = section.fileRange.lowerBound + Int(min(symbol.value, section.size))
            let index = table.maps.count
            let (map, valuesOffset) = try btfMap(
                name: name, typeID: definitionType, btf: btf, section: section, symbol: symbol, byteOffset: byteOffset)
            table.definitions[SectionOffset(section: section.index, offset: Int64(bitPattern: symbol.value))] = index
            if let valuesOffset { table.valuesOffsets[index] = valuesOffset }
            table.maps.append(map)
        }
    }

    private func btfMap(
        name: String, typeID: Int, btf: BTF, section: ELFSection, symbol: ELFSymbol, byteOffset: Int
    ) throws(ObjectError) -> (ObjectMap, valuesOffset: Int?) {
        func fail(_ reason: ObjectError.Reason) -> ObjectError {
            ObjectError(entry: "map \(name)", byteOffset: byteOffset, reason).located(in: section)
        }
        guard let structID = btf.skippingModifiersAndTypedefs(typeID), let structure = btf.type(structID),
            case .structure(_, let members) = structure.kind
        else { throw fail(.mapNotStruct(map: name, found: btf.typeDescription(typeID))) }

        var attributes = [String: UInt64]()
        var keyType: (id: Int, size: Int)?
        var valueType: (id: Int, size: Int)?
        var valuesOffset: Int?
        for member in members {
            let resolved = btf.skippingModifiersAndTypedefs(member.type).flatMap { btf.type($0) }
            switch member.name {
            case "key", "value":
                guard case .pointer(let pointee)? = resolved?.kind else {
                    throw fail(
                        .mapTypeAttributeNotPointer(
                            map: name, attribute: member.name, found: btf.typeDescription(member.type)))
                }
                guard let size = btf.size(of: pointee) else {
                    throw fail(.mapUnsizedType(map: name, attribute: member.name, type: btf.typeDescription(pointee)))
                }
                if member.name == "key" { keyType = (pointee, size) } else { valueType = (pointee, size) }
            case "values":
                // __array(values, …): slots hold program (or inner map) references, 4 bytes in
                // the kernel's value; libbpf sets value_size to 4 itself.
                valuesOffset = member.bitOffset / 8
            default:
                if case .pointer(let pointee)? = resolved?.kind,
                    let arrayID = btf.skippingModifiers(pointee),
                    case .array(_, _, let count)? = btf.type(arrayID)?.kind
                {
                    attributes[member.name] = UInt64(count)
                } else if case .enumeration(_, _, let values)? = resolved?.kind, values.count == 1 {
                    attributes[member.name] = UInt64(bitPattern: values[0].value)
                } else if case .enumeration64(_, _, let values)? = resolved?.kind, values.count == 1 {
                    attributes[member.name] = UInt64(bitPattern: values[0].value)
                } else if Self.integerAttributes.contains(member.name) {
                    throw fail(
                        .mapAttributeNotInteger(
                            map: name, attribute: member.name, found: btf.typeDescription(member.type)))
                }
            }
        }
        guard let rawType = attributes["type"] else { throw fail(.mapMissingType(map: name)) }
        func attribute(_ key: String) -> UInt32 { UInt32(truncatingIfNeeded: attributes[key] ?? 0) }
        var keySize = attribute("key_size")
        var valueSize = attribute("value_size")
        if let keyType {
            if keySize != 0 && Int(keySize) != keyType.size {
                throw fail(.mapConflictingSize(map: name, attribute: "key", declared: keySize, ofType: keyType.size))
            }
            keySize = UInt32(truncatingIfNeeded: keyType.size)
        }
        if valuesOffset != nil {
            if valueSize != 0 && valueSize != 4 {
                throw fail(.mapConflictingSize(map: name, attribute: "value", declared: valueSize, ofType: 4))
            }
            valueSize = 4
        }
        if let valueType {
            if valueSize != 0 && Int(valueSize) != valueType.size {
                throw fail(
                    .mapConflictingSize(map: name, attribute: "value", declared: valueSize, ofType: valueType.size))
            }
            valueSize = UInt32(truncatingIfNeeded: valueType.size)
        }
        var map = try makeMap(
            name: name, rawType: UInt32(truncatingIfNeeded: rawType), keySize: keySize, valueSize: valueSize,
            maxEntries: attribute("max_entries"), flags: attribute("map_flags"), origin: .btf, section: section,
            sectionOffset: Int(clamping: symbol.value), byteOffset: byteOffset)
        map.keyTypeID = keyType?.id
        map.valueTypeID = valueType?.id
        map.pinning = attribute("pinning")
        map.numaNode = attribute("numa_node")
        map.mapExtra = attributes["map_extra"] ?? 0
        return (map, valuesOffset)
    }

    // MARK: Global data

    private func collectData(into table: inout MapTable) throws(ObjectError) {
        for section in file.elf.sections
        where ObjectSection.kind(of: section) == .data && section.size > 0
            && (section.type == ELFSection.typeProgBits || section.type == ELFSection.typeNoBits)
        {
            guard let valueSize = UInt32(exactly: section.size) else {
                throw ObjectError(byteOffset: section.headerOffset + 32, .dataSectionTooLarge(section.size))
                    .located(in: section)
            }
            let isReadOnly = section.name.hasPrefix(".rodata")
            var map = try makeMap(
                name: section.name, rawType: MapType.array.rawValue, keySize: 4, valueSize: valueSize, maxEntries: 1,
                flags: isReadOnly ? MapFlags.readOnlyProgram.rawValue : 0, origin: .globalData, section: section,
                sectionOffset: 0, byteOffset: section.headerOffset)
            map.initialData = section.type == ELFSection.typeNoBits ? nil : Array(file.elf.contents(of: section))
            map.isReadOnly = isReadOnly
            map.valueTypeID = btf?.dataSection(named: section.name)?.id
            table.dataSections[section.index] = table.maps.count
            table.maps.append(map)
        }
    }

    // MARK: Prog array initial slots

    /// `values = { [2] = &handle_udp }` in a `.maps` prog array: an R_BPF_64_ABS64 relocation
    /// of `.maps` at the slot's place names the program (libbpf's `bpf_object__collect_map_relos()`).
    private func collectProgramSlots(into table: inout MapTable) throws(ObjectError) {
        guard let section = file.elf.sections.first(where: { $0.name == ".maps" }) else { return }
        for relocation in file.relocations where relocation.sectionIndex == section.index {
            let relocationSection = file.elf.sections[relocation.relocationSectionIndex]
            func fail(_ reason: ObjectError.Reason) -> ObjectError {
                ObjectError(byteOffset: relocation.entryOffset, reason)
                    .located(in: relocationSection, entry: "relocation \(relocation.index)")
            }
            let owner = table.definitions.compactMap { place, index -> (Int, Int)? in
                guard place.section == section.index, let valuesOffset = table.valuesOffsets[index] else { return nil }
                let start = Int(place.offset) + valuesOffset
                return relocation.offset >= start ? (index, relocation.offset - start) : nil
            }.min { $0.1 < $1.1 }
            guard let (mapIndex, offsetInValues) = owner, offsetInValues % 8 == 0,
                table.maps[mapIndex].definition.type == .progArray
            else { throw fail(.mapSlotOutsideValues(offset: relocation.offset)) }
            let slot = offsetInValues / 8
            let map = table.maps[mapIndex]
            let target = file.programs.first {
                !$0.isSubprogram && $0.sectionIndex == Int(relocation.symbolSectionIndex)
                    && UInt64($0.sectionOffset) == relocation.symbolValue && $0.name == relocation.symbolName
            }
            guard let target, slot < Int(map.definition.maxEntries) else {
                throw fail(.mapSlotNotProgram(map: map.name, slot: slot, symbol: relocation.symbolName))
            }
            table.maps[mapIndex].initialProgramSlots[slot] = target.name
        }
    }

    // MARK: Common

    private func makeMap(
        name: String, rawType: UInt32, keySize: UInt32, valueSize: UInt32, maxEntries: UInt32, flags: UInt32,
        origin: ObjectMap.Origin, section: ELFSection, sectionOffset: Int, byteOffset: Int
    ) throws(ObjectError) -> ObjectMap {
        let kernelName = ObjectMap.kernelName(name)
        func fail(_ error: MapDefinitionError) -> ObjectError {
            ObjectError(entry: "map \(name)", byteOffset: byteOffset, .mapDefinition(error)).located(in: section)
        }
        guard let type = MapType(rawValue: rawType) else {
            throw fail(MapDefinitionError(mapName: kernelName, errno: .einval, reason: .unknownType(rawType)))
        }
        var definition = MapDefinition(
            type: type, keySize: keySize, valueSize: valueSize, maxEntries: maxEntries,
            flags: MapFlags(rawValue: flags), name: kernelName)
        // libbpf (and kernel_oracle.py) size perf event arrays by CPU and default their sizes.
        if type == .perfEventArray {
            if definition.maxEntries == 0 { definition.maxEntries = UInt32(clamping: max(1, cpuCount)) }
            if definition.keySize == 0 { definition.keySize = 4 }
            if definition.valueSize == 0 { definition.valueSize = 4 }
        }
        do { try definition.validate() } catch { throw fail(error) }
        return ObjectMap(
            name: name, definition: definition, origin: origin, sectionIndex: section.index, sectionName: section.name,
            sectionOffset: sectionOffset)
    }
}
