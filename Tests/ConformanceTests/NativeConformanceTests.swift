import Foundation
import SKBPFCommands
import TestSupport
import Testing

/// Every conformance vector that returns a value, run again as x86-64 machine code: same value,
/// same instruction count, same memory as the checked interpreter.
@Suite struct NativeConformanceTests {
    static let vectors = ConformanceSuiteTests.ownVectors + ConformanceSuiteTests.bpfConformance
        + ConformanceSuiteTests.ubpfTests

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"), arguments: vectors)
    func vectorRunsNatively(_ file: URL) throws {
        let vector = try ConformanceVector.load(path: file.path)
        switch ConformanceRunner().runNatively(vector) {
        case .failed(let why): Issue.record("\(file.lastPathComponent): \(why)")
        case .passed, .skipped, .rejected: break
        }
    }
}
