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

    // MARK: - Verified mode

    /// The kernel's verdict on a bpf_conformance vector loaded as the suite's Linux plugin loads
    /// it (`BPF_PROG_TYPE_XDP`), from KernelVerdicts/xdp.json (KernelVerdicts/record.py).
    struct KernelVerdict: Sendable {
        var accepted: Bool
        var error: String?
    }

    static let kernelVerdicts: [String: KernelVerdict] = {
        let url = SharedFixtures.repositoryRoot.appendingPathComponent("Tests/ConformanceTests/KernelVerdicts/xdp.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [:] }
        return object.compactMapValues { entry in
            (entry["accepted"] as? Bool).map { KernelVerdict(accepted: $0, error: entry["error"] as? String) }
        }
    }()

    /// What the recording says, in numbers: the kernel refuses the 12 constant shifts out of
    /// range, callx, and the 38 vectors that use r1 as ubpf's memory (an xdp_md access, or r2).
    @Test func kernelVerdictsCoverTheSuite() {
        #expect(Self.kernelVerdicts.count == 313)
        let refused = Self.kernelVerdicts.values.filter { !$0.accepted }
        #expect(refused.count == 51)
        #expect(refused.filter { $0.error?.hasPrefix("invalid shift ") == true }.count == 12)
        #expect(refused.filter { $0.error == "unknown opcode 8d" }.count == 1)
        #expect(refused.filter { $0.error?.hasPrefix("invalid bpf_context access") == true }.count == 37)
    }

    /// Verified mode: skbpf's verifier gives the kernel's verdict (and message) on every vector,
    /// and every accepted program runs, unchecked, to the expected result.
    @Test(.enabled(if: SharedFixtures.conformance != nil, "../shared/conformance not found"),
          arguments: bpfConformance)
    func bpfConformanceVectorVerified(_ file: URL) throws {
        let name = file.lastPathComponent
        let kernel = try #require(Self.kernelVerdicts[name], "\(name): no kernel verdict recorded (run KernelVerdicts/record.py)")
        let outcome = ConformanceRunner(loading: .verified(.xdp)).run(try ConformanceVector.load(path: file.path))
        if kernel.accepted {
            #expect(outcome == .passed, "\(name): \(outcome)")
        } else {
            #expect(outcome == .rejected(kernel.error ?? ""), "\(name): the kernel says \(kernel.error ?? "")")
        }
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
        case .failed(let why), .rejected(let why): Issue.record("\(file.lastPathComponent): \(why)")
        }
    }

    private func expectPass(_ file: URL) throws {
        let vector = try ConformanceVector.load(path: file.path)
        let outcome = ConformanceRunner().run(vector)
        #expect(outcome == .passed, "\(file.lastPathComponent): \(outcome)")
    }
}
