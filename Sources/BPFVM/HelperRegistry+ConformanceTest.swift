/// The helper set of the public conformance suites' harnesses. Their ids are ubpf's own test
/// helpers, not Linux's: 0 gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext, 5 unwind
/// (bpf_conformance uses only 5, with the same meaning).
extension HelperRegistry {
    public static let conformanceTestHelpers: HelperRegistry = {
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
        registry[3] = HelperFunction(name: "sqrti") { call in .value(integerSquareRoot(call.r1)) }
        registry[4] = HelperFunction(name: "strcmp_ext") { call in
            guard let a = call.cString(at: call.r1), let b = call.cString(at: call.r2) else {
                return .fault("strcmp_ext: a string is outside the program's memory or not terminated")
            }
            for (x, y) in zip(a + [0], b + [0]) where x != y {
                return .value(UInt64(bitPattern: Int64(Int32(x) - Int32(y))))
            }
            return .value(0)
        }
        registry[5] = HelperFunction(name: "unwind") { call in call.r1 == 0 ? .stop(0) : .value(call.r1) }
        return registry
    }()
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

/// floor(sqrt(x)) for the full 64-bit range.
func integerSquareRoot(_ x: UInt64) -> UInt64 {
    var root = UInt64(Double(x).squareRoot())
    while root > 0 && root.multipliedReportingOverflow(by: root).overflow || (root * root > x) { root -= 1 }
    while case let (square, overflow) = (root + 1).multipliedReportingOverflow(by: root + 1), !overflow, square <= x {
        root += 1
    }
    return root
}
