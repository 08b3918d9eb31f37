import BPFABI
import Testing

/// One `BPF_MAP_CREATE` and the kernel's answer on 6.18 (nil = created).
private struct MapCase: CustomStringConvertible, Sendable {
    var type: MapType
    var key: UInt32
    var value: UInt32
    var maxEntries: UInt32
    var flags: UInt32 = 0
    var name = "m"
    var errno: KernelErrno?

    var description: String { "\(type.kernelName) k\(key) v\(value) n\(maxEntries) f\(flags) \(name)" }
}

private func c(_ type: MapType, _ key: UInt32, _ value: UInt32, _ maxEntries: UInt32, flags: UInt32 = 0,
               name: String = "m", _ errno: KernelErrno? = nil) -> MapCase {
    MapCase(type: type, key: key, value: value, maxEntries: maxEntries, flags: flags, name: name, errno: errno)
}

@Suite struct MapDefinitionTests {
    /// Each row was created (or refused) by the running 6.18 kernel.
    @Test(arguments: [
        c(.array, 4, 4, 1), c(.array, 8, 4, 1, .einval), c(.array, 4, 0, 1, .einval), c(.array, 4, 4, 0, .einval),
        c(.array, 4, 4, 1, flags: 1, .einval), c(.array, 4, 4, 1, flags: 1024),
        c(.array, 4, 4, 1, flags: 2048, .einval), c(.array, 4, 4, 1, flags: 4096),
        c(.array, 4, 4, 1, flags: 384, .einval), c(.array, 4, 4, 1, flags: 128), c(.array, 4, 1 << 20, 1),
        c(.array, 4, 1 << 31, 1, .e2big), c(.array, 4, (1 << 31) - 1, 1), c(.percpuArray, 4, 32768, 1),
        c(.percpuArray, 4, 32769, 1, .e2big), c(.percpuArray, 4, 4, 1, flags: 1024, .einval),
        c(.percpuArray, 4, 4, 1, flags: 4, .einval), c(.percpuArray, 4, 0, 1, .einval), c(.hash, 4, 4, 1),
        c(.hash, 0, 4, 1, .einval), c(.hash, 4, 0, 1, .einval), c(.hash, 4, 4, 0, .einval), c(.hash, 512, 4, 1),
        c(.hash, 65536, 4, 1), c(.hash, 4, 1 << 22, 1, .e2big), c(.hash, 4, 4_194_251, 1),
        c(.hash, 4, 4_194_252, 1, .e2big), c(.hash, 1000, 4_193_255, 1), c(.hash, 1000, 4_193_256, 1, .e2big),
        c(.hash, 4, 4, 1, flags: 2, .einval), c(.hash, 4, 4, 1, flags: 1), c(.hash, 4, 4, 1, flags: 1024, .einval),
        c(.hash, 4, 4, 1, flags: 64), c(.hash, 4, 4, 1, flags: 8), c(.hash, 4, 4, 1, flags: 2048, .einval),
        c(.hash, 4, 4, 1, flags: 384, .einval), c(.percpuHash, 4, 32768, 1), c(.percpuHash, 4, 32769, 1, .e2big),
        c(.percpuHash, 4, 4, 1, flags: 4, .einval), c(.lruHash, 4, 4, 1), c(.lruHash, 4, 4, 1, flags: 1, .enotsupp),
        c(.lruHash, 4, 4, 1, flags: 2), c(.lruHash, 0, 4, 1, .einval), c(.lruPercpuHash, 4, 4, 1, flags: 2),
        c(.lruPercpuHash, 4, 4, 1, flags: 1, .enotsupp), c(.progArray, 4, 4, 1), c(.progArray, 4, 8, 1, .einval),
        c(.progArray, 8, 4, 1, .einval), c(.progArray, 4, 4, 0, .einval), c(.progArray, 4, 4, 1, flags: 128, .einval),
        c(.progArray, 4, 4, 1, flags: 256, .einval), c(.progArray, 4, 4, 1, flags: 8), c(.progArray, 4, 4, 1, flags: 4),
        c(.progArray, 4, 4, 1, flags: 1024, .einval), c(.perfEventArray, 4, 4, 1), c(.perfEventArray, 4, 4, 0, .einval),
        c(.perfEventArray, 4, 8, 1, .einval), c(.perfEventArray, 4, 4, 1, flags: 2048),
        c(.array, 4, 4, 1, flags: 2048, .einval), c(.ringbuf, 0, 0, 4096), c(.ringbuf, 4, 0, 4096, .einval),
        c(.ringbuf, 0, 4, 4096, .einval), c(.ringbuf, 0, 0, 8192), c(.ringbuf, 0, 0, 12288, .einval),
        c(.ringbuf, 0, 0, 2048, .einval), c(.ringbuf, 0, 0, 0, .einval), c(.ringbuf, 0, 0, 1 << 31),
        c(.ringbuf, 0, 0, 1 << 30), c(.ringbuf, 0, 0, 4096, flags: 1, .einval), c(.ringbuf, 0, 0, 4096, flags: 4),
        c(.array, 4, 4, 1, name: "aaaaaaaaaaaaaaa"), c(.array, 4, 4, 1, name: "aaaaaaaaaaaaaaaa", .einval),
        c(.array, 4, 4, 1, name: "x.y_Z9"), c(.array, 4, 4, 1, name: "bad-name", .einval), c(.array, 4, 4, 1, name: ""),
        c(.unspec, 4, 4, 1, .einval),
    ])
    fileprivate func kernelVerdict(_ testCase: MapCase) {
        let definition = MapDefinition(type: testCase.type, keySize: testCase.key, valueSize: testCase.value,
                                       maxEntries: testCase.maxEntries, flags: MapFlags(rawValue: testCase.flags),
                                       name: testCase.name)
        do {
            try definition.validate()
            #expect(testCase.errno == nil, "accepted, kernel says \(testCase.errno.map(\.name) ?? "")")
        } catch {
            #expect(error.errno == testCase.errno, "\(error)")
        }
    }

    @Test func unsupportedTypesAreRefusedByName() {
        let trie = MapDefinition(type: .lpmTrie, keySize: 8, valueSize: 4, maxEntries: 16, flags: .noPrealloc,
                                 name: "t")
        #expect(throws: MapDefinitionError(mapName: "t", errno: .einval, reason: .unsupportedType(.lpmTrie))) {
            try trie.validate()
        }
    }

    @Test func messagesNameTheMapAndTheRule() {
        let bad = MapDefinition(type: .array, keySize: 8, valueSize: 4, maxEntries: 1, name: "counts")
        do {
            try bad.validate()
            Issue.record("accepted")
        } catch {
            #expect(error.description == "map \"counts\": EINVAL (Invalid argument): key_size must be 4, got 8")
        }
    }

    @Test func mapTypeNames() {
        #expect(MapType.percpuArray.kernelName == "percpu_array")
        #expect(MapType.lruPercpuHash.kernelName == "lru_percpu_hash")
        #expect(MapType.ringbuf.rawValue == 27)
        #expect(MapType.lruHash.rawValue == 9)
        #expect(MapType.progArray.description == "BPF_MAP_TYPE_PROG_ARRAY")
        #expect(MapType.arena.rawValue == 33)
    }
}
