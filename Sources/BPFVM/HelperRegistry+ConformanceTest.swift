/// The helper sets of the public conformance suites' harnesses. Their ids are the harnesses' own,
/// not Linux's.
extension HelperRegistry {
    /// ubpf's test helpers (`custom_tests/srcs/test_helpers.h`, used by ubpf's `tests/*.data`):
    /// 0 gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext, 5 unwind. Pointer arguments are
    /// checked against the run's regions: a helper refuses memory the program could not touch.
    public static let ubpfTestHelpers: HelperRegistry = {
        var registry = HelperRegistry()
        registry[0] = HelperFunction(name: "gather_bytes") { call in
            .value((call.r1 & 0xff) << 32 | (call.r2 & 0xff) << 24 | (call.r3 & 0xff) << 16
                   | (call.r4 & 0xff) << 8 | (call.r5 & 0xff))
        }
        registry[1] = HelperFunction(name: "memfrob") { call in
            guard let bytes = call.bytes(at: call.r1, count: Int(truncatingIfNeeded: call.r2), writable: true) else {
                return .fault("memfrob(0x\(String(call.r1, radix: 16)), \(call.r2)) is outside the program's memory")
            }
            for i in bytes.indices { bytes[i] ^= 42 }
            return .value(0)
        }
        registry[2] = HelperFunction(name: "no_op") { _ in .value(0) }
        registry[3] = HelperFunction(name: "sqrti") { call in .value(ubpfSquareRoot(call.r1)) }
        registry[4] = HelperFunction(name: "strcmp_ext") { call in
            guard let a = call.cString(at: call.r1), let b = call.cString(at: call.r2) else {
                return .fault("strcmp_ext: a string is outside the program's memory or not terminated")
            }
            // glibc's strcmp: the difference of the first differing bytes as unsigned chars, an
            // `int` the harness widens to 64 bits with its sign.
            for (x, y) in zip(a + [0], b + [0]) where x != y {
                return .value(UInt64(bitPattern: Int64(Int32(x) - Int32(y))))
            }
            return .value(0)
        }
        registry[5] = unwind
        return registry
    }()

    /// bpf_conformance's plugin helper set: only 5, unwind (`call_unwind_fail.data`).
    public static let conformanceHelpers: HelperRegistry = {
        var registry = HelperRegistry()
        registry[5] = unwind
        return registry
    }()

    /// Both suites' helpers (ubpf's set contains bpf_conformance's): what `skbpf conformance`
    /// and `skbpf run --test-helpers` use.
    public static var conformanceTestHelpers: HelperRegistry { ubpfTestHelpers }

    /// Returns r1, and when that is 0 ends the program with r0 = 0: ubpf's unwind extension
    /// (`ubpf_set_unwind_function_index`), which bpf_conformance's ubpf plugin registers for id 5.
    static let unwind = HelperFunction(name: "unwind") { call in call.r1 == 0 ? .stop(0) : .value(call.r1) }
}

extension HelperCall {
    /// A NUL-terminated string inside the run's readable memory, without its terminator.
    func cString(at address: UInt64) -> [UInt8]? {
        var bytes: [UInt8] = []
        var cursor = address
        while let byte = self.bytes(at: cursor, count: 1, writable: false) {
            if byte[0] == 0 { return bytes }
            bytes.append(byte[0])
            cursor &+= 1
        }
        return nil
    }
}

/// ubpf's `sqrti`: `static_cast<uint64_t>(std::sqrt(x))`, computed through a double, so for large
/// `x` (from 2^52 on, e.g. 67108865² - 1) it can be floor(sqrt(x)) + 1, as ubpf's is.
func ubpfSquareRoot(_ x: UInt64) -> UInt64 {
    UInt64(Double(x).squareRoot())  // at most 2^32: always representable
}
