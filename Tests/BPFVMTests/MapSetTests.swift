import BPFABI
import BPFVM
import Testing

/// Creating maps from definitions, handles, global data, `--map-set`, and the dump format.
extension MapTests {
    @Suite struct Sets {
        func spec(_ name: String, _ type: MapType, key: UInt32 = 4, value: UInt32 = 4, entries: UInt32 = 2,
                  flags: MapFlags = [], data: [UInt8]? = nil, readOnly: Bool = false) -> MapSpecification {
            MapSpecification(name: name, definition: MapDefinition(
                type: type, keySize: key, valueSize: value, maxEntries: entries, flags: flags,
                name: String(name.prefix(15).map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })),
                initialData: data, isReadOnly: readOnly)
        }

        @Test func handlesRoundTrip() throws {
            let set = try MapSet([spec("a", .array), spec("b", .hash)], cpuCount: 2)
            #expect(set.count == 2)
            for i in 0..<2 { #expect(set.map(handle: MapSet.handle(ofMapAt: i)) === set[i]) }
            #expect(set.map(handle: MapSet.handle(ofMapAt: 2)) == nil)
            #expect(set.map(handle: MapSet.handleBase &- 1) == nil)
            #expect(set.map(handle: 0) == nil)
            #expect(set.map(named: "b") === set[1])
            #expect(set.map(named: "c") == nil)
        }

        @Test func definitionsAreValidatedAsTheKernelDoes() {
            let set = MapSet()
            expectError(.einval) { () throws(MapError) in try set.add(spec("k", .array, key: 8)) }
            expectError(.einval) { () throws(MapError) in try set.add(spec("t", .lpmTrie)) }
            expectError(.einval) { () throws(MapError) in try set.add(spec("r", .ringbuf, key: 0, value: 0, entries: 1000)) }
            expectError(.einval) { () throws(MapError) in try set.add(spec("h", .hash, entries: 0)) }
            do {
                try set.add(spec("k", .array, key: 8))
            } catch {
                #expect(error.definitionError?.reason == .keySize(8, expected: "4"))
                #expect("\(error)" == "map \"k\": EINVAL (Invalid argument): key_size must be 4, got 8")
            }
            #expect(set.count == 0)
        }

        @Test func limits() throws {
            let small = MapSet(cpuCount: 1, byteLimit: 1 << 20)
            expectError(.enomem) { () throws(MapError) in try small.add(spec("big", .array, value: 1024, entries: 2048)) }
            expectError(.enomem) { () throws(MapError) in try small.add(spec("huge", .hash, entries: .max)) }
            try small.add(spec("ok", .array, value: 1024, entries: 512))
            let set = MapSet()
            for i in 0..<MapSet.capacity { try set.add(spec("m\(i)", .array)) }
            expectError(.e2big) { () throws(MapError) in try set.add(spec("one_more", .array)) }
        }

        @Test func globalData() throws {
            let set = try MapSet([
                spec(".rodata", .array, value: 6, entries: 1, flags: .readOnlyProgram, data: Array("hello\0".utf8), readOnly: true),
                spec(".data", .array, value: 4, entries: 1, data: [1, 2, 3, 4]),
                spec(".bss", .array, value: 8, entries: 1),
            ])
            let rodata = try #require(set[0] as? ArrayMap)
            #expect(rodata.isFrozen && !rodata.isProgramWritable)
            #expect(try rodata.lookup(key: le32(0)) == Array("hello\0".utf8))
            expectError(.eperm) { () throws(MapError) in try rodata.update(key: le32(0), value: [0, 0, 0, 0, 0, 0]) }
            expectError(.eperm) { () throws(MapError) in try set.apply(setting: ".rodata:00000000:000000000000") }
            #expect(try set[1].lookup(key: le32(0)) == [1, 2, 3, 4])
            #expect(set[1].isProgramWritable && !set[1].isFrozen)
            #expect(try set[2].lookup(key: le32(0)) == [0, 0, 0, 0, 0, 0, 0, 0])
            let base = try #require((set[1] as? ArrayMap)?.directValueAddress(offset: 0))
            #expect(base.load(fromByteOffset: 2, as: UInt8.self) == 3)
            expectError(.einval) { () throws(MapError) in
                try set.add(spec(".data.x", .array, value: 2, entries: 1, data: [1, 2, 3]))
            }
            expectError(.einval) { () throws(MapError) in try set.add(spec("h", .hash, data: [1])) }
        }

        @Test func mapSettings() throws {
            let set = try MapSet([spec("counts", .hash, value: 8, entries: 4), spec("per", .percpuArray, entries: 2)], cpuCount: 2)
            try set.apply(setting: "counts:0a000001:0500000000000000")
            #expect(try set[0].lookup(key: [10, 0, 0, 1]) == le64(5))
            try set.apply(setting: "counts:0A000001:0600000000000000")
            #expect(try set[0].lookup(key: [10, 0, 0, 1]) == le64(6))
            // A per-CPU map takes one value for every CPU, or every CPU's rounded-up copy.
            try set.apply(setting: "per:01000000:11223344")
            #expect(try set[1].lookup(key: le32(1)).map(set[1].perCPUValues) == [[0x11, 0x22, 0x33, 0x44], [0x11, 0x22, 0x33, 0x44]])
            try set.apply(setting: "per:00000000:01000000000000000200000000000000")
            #expect(try set[1].lookup(key: le32(0)).map(set[1].perCPUValues) == [[1, 0, 0, 0], [2, 0, 0, 0]])
            expectError(.einval) { () throws(MapError) in try set.apply(setting: "counts:0a000001") }
            expectError(.einval) { () throws(MapError) in try set.apply(setting: "counts:0a00000g:0500000000000000") }
            expectError(.einval) { () throws(MapError) in try set.apply(setting: "counts:0a0000:0500000000000000") }
            expectError(.einval) { () throws(MapError) in try set.apply(setting: "counts:0a000001:05") }
            expectError(.enoent) { () throws(MapError) in try set.apply(setting: "nope:00:00") }
            expectError(.e2big) { () throws(MapError) in try set.apply(setting: "per:02000000:00000000") }
            do {
                try set.apply(setting: "nope:00:00")
            } catch {
                #expect(error.message == "--map-set: no such map (have \"counts\", \"per\")")
            }
        }

        @Test func dumpJSONMatchesTheOracleSpelling() throws {
            let set = try MapSet([
                spec("arr", .array, entries: 2),
                spec("flows", .hash, value: 2, entries: 4, flags: .zeroSeed),
                spec("pcpu", .percpuArray, entries: 1),
                spec("jumps", .progArray, entries: 2),
                spec("events", .ringbuf, key: 0, value: 0, entries: 4096),
                spec("perf", .perfEventArray, key: 4, value: 4, entries: 0),
                spec("odd\"name", .array, entries: 1),
            ], cpuCount: 2)
            try set[0].update(key: le32(1), value: [1, 2, 3, 4])
            try set[1].update(key: [192, 168, 0, 1], value: [7, 0])
            try set.apply(setting: "pcpu:00000000:ff000000")
            #expect((set[3] as? ProgramArrayMap)?.setProgram(5, at: 1) == true)
            #expect(set.dumpJSON() == """
                {"arr": {"type": 2, "key_size": 4, "value_size": 4, "entries": [\
                {"key": "00000000", "value": "00000000"}, {"key": "01000000", "value": "01020304"}]}, \
                "flows": {"type": 1, "key_size": 4, "value_size": 2, "entries": [{"key": "c0a80001", "value": "0700"}]}, \
                "pcpu": {"type": 6, "key_size": 4, "value_size": 4, "entries": [\
                {"key": "00000000", "value": null, "per_cpu": ["ff000000", "ff000000"]}]}, \
                "jumps": {"type": 3, "key_size": 4, "value_size": 4, "entries": [\
                {"key": "00000000", "value": null}, {"key": "01000000", "value": "05000000"}]}, \
                "events": {"type": 27, "entries": null}, "perf": {"type": 4, "entries": null}, \
                "odd\\"name": {"type": 2, "key_size": 4, "value_size": 4, "entries": [{"key": "00000000", "value": "00000000"}]}}
                """)
            let dump = set.dump()
            #expect(dump.map(\.name) == ["arr", "flows", "pcpu", "jumps", "events", "perf", "odd\"name"])
            #expect(dump[2].entries?.first?.perCPUValues == [[0xff, 0, 0, 0], [0xff, 0, 0, 0]])
            #expect(dump[4].entries == nil && dump[4].keySize == nil)
        }

        @Test func programArraySlots() throws {
            let set = try MapSet([spec("jumps", .progArray, entries: 3)])
            let jumps = try #require(set[0] as? ProgramArrayMap)
            #expect(jumps.program(at: 0) == nil)
            #expect(jumps.setProgram(7, at: 2))
            #expect(!jumps.setProgram(7, at: 3))
            #expect(!jumps.setProgram(-1, at: 0))
            #expect(jumps.program(at: 2) == 7)
            #expect(jumps.program(at: 3) == nil)
            #expect(try jumps.lookup(key: le32(2)) == le32(7))
            #expect(try jumps.lookup(key: le32(0)) == nil)
            try jumps.update(key: le32(0), value: le32(4))
            #expect(jumps.program(at: 0) == 4)
            expectError(.einval) { () throws(MapError) in try jumps.update(key: le32(0), value: le32(4), flags: MapUpdateFlags.noExist) }
            expectError(.e2big) { () throws(MapError) in try jumps.update(key: le32(3), value: le32(4)) }
            try jumps.delete(key: le32(0))
            expectError(.enoent) { () throws(MapError) in try jumps.delete(key: le32(0)) }
            expectError(.e2big) { () throws(MapError) in try jumps.delete(key: le32(3)) }
            // Programs reach a program array only through bpf_tail_call.
            #expect(jumps.programLookup(le32(2)) == nil)
            #expect(jumps.programUpdate(le32(2), le32(1)) == MapErrno.eopnotsupp.helperResult)
        }
    }
}
