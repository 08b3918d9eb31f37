import Foundation
import SKBPFCommands
import TestSupport
import Testing

/// The conformance vectors: the project's own (always) and the public suites in `../shared`.
@Suite struct ConformanceSuiteTests {
    static let ownVectors = SharedFixtures.files(
        under: SharedFixtures.repositoryRoot.appendingPathComponent("Tests/ConformanceTests/Vectors"), suffix: ".data")
    static let bpfConformance = SharedFixtures.files(
        under: SharedFixtures.conformance?.appendingPathComponent("bpf_conformance/tests"), suffix: ".data")
    static let ubpfTests = SharedFixtures.files(
        under: SharedFixtures.conformance?.appendingPathComponent("ubpf_tests/tests"), suffix: ".data")

    @Test func ownVectorsExist() {
        #expect(Self.ownVectors.count >= 150)
    }

    @Test(arguments: ownVectors)
    func ownVector(_ file: URL) throws {
        try expectPass(file)
    }

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"))
    func bpfConformanceHasEveryVector() {
        #expect(Self.bpfConformance.count == 313)
    }

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"),
          arguments: bpfConformance)
    func bpfConformanceVector(_ file: URL) throws {
        try expectPass(file)
    }

    /// ubpf vectors whose expectation is ubpf's own limit, not RFC 9669's or Linux's.
    static let ubpfOnlyLimits: [String: String] = [
        "err-unknown-opcode.data": "0x06 is JMP32 JA (gotol), valid in RFC 9669 and Linux; ubpf lacks it",
        "err-too-many-instructions.data": "65,537 instructions: ubpf's limit is 65,536; Linux's is 1,000,000",
    ]

    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"),
          arguments: ubpfTests)
    func ubpfVector(_ file: URL) throws {
        let vector = try ConformanceVector.load(path: file.path)
        let outcome = ConformanceRunner().run(vector)
        if let reason = Self.ubpfOnlyLimits[file.lastPathComponent] {
            withKnownIssue(Comment(rawValue: reason)) { #expect(outcome == .passed) }
            return
        }
        switch outcome {
        case .passed: break
        case .skipped(let reason):
            // Only the cases built for other harnesses (ELF from Python, VM API misuse) may skip.
            #expect(vector.skipReason == reason)
        case .failed(let why): Issue.record("\(file.lastPathComponent): \(why)")
        }
    }

    private func expectPass(_ file: URL) throws {
        let vector = try ConformanceVector.load(path: file.path)
        let outcome = ConformanceRunner().run(vector)
        #expect(outcome == .passed, "\(file.lastPathComponent): \(outcome)")
    }
}
